//! Marks the table-of-contents entry of the section being read.

use app::ui::enhance::select_all;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// A heading counts as "being read" once its top passes this far below the viewport's
/// top (the sticky header is 4 rem).
const READING_LINE_PX: f64 = 120.0;

pub fn follow_reading_position() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(document) = window.document() else {
        return;
    };
    let links = select_all(&document, "[data-toc] [data-toc-link]");
    let Some(first) = links.first().map(anchor_of) else {
        return;
    };
    let update = move || {
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        // The last heading above the reading line; before the first, the first entry.
        let current = links
            .iter()
            .rev()
            .map(anchor_of)
            .find(|id| {
                document.get_element_by_id(id).is_some_and(|heading| {
                    heading.get_bounding_client_rect().top() <= READING_LINE_PX
                })
            })
            .unwrap_or_else(|| first.clone());
        for link in &links {
            if anchor_of(link) == current {
                let _ = link.set_attribute("aria-current", "location");
            } else {
                let _ = link.remove_attribute("aria-current");
            }
        }
    };
    update();
    let on_scroll = Closure::<dyn Fn()>::new(update);
    let options = web_sys::AddEventListenerOptions::new();
    options.set_passive(true);
    let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
        "scroll",
        on_scroll.as_ref().unchecked_ref(),
        &options,
    );
    on_scroll.forget();
}

/// The heading id a table-of-contents link points at.
fn anchor_of(link: &web_sys::HtmlElement) -> String {
    link.get_attribute("href")
        .unwrap_or_default()
        .trim_start_matches('#')
        .to_owned()
}

//! Marks the table-of-contents entry of the section being read.

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
    let Ok(links) = document.query_selector_all("[data-toc] [data-toc-link]") else {
        return;
    };
    if links.length() == 0 {
        return;
    }
    let update = move || {
        let Some(document) = web_sys::window().and_then(|window| window.document()) else {
            return;
        };
        let mut current: Option<String> = None;
        for index in 0..links.length() {
            let Some(link) = links
                .item(index)
                .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let id = link
                .get_attribute("href")
                .unwrap_or_default()
                .trim_start_matches('#')
                .to_owned();
            if let Some(heading) = document.get_element_by_id(&id)
                && heading.get_bounding_client_rect().top() <= READING_LINE_PX
            {
                current = Some(id);
            }
        }
        // Before the first heading, the first entry is the one being read.
        let current = current.or_else(|| {
            links
                .item(0)
                .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
                .and_then(|link| link.get_attribute("href"))
                .map(|href| href.trim_start_matches('#').to_owned())
        });
        for index in 0..links.length() {
            let Some(link) = links
                .item(index)
                .and_then(|node| node.dyn_into::<web_sys::Element>().ok())
            else {
                continue;
            };
            let href = link.get_attribute("href").unwrap_or_default();
            if current.as_deref() == Some(href.trim_start_matches('#')) {
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

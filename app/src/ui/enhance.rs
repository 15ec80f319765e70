//! What the browser adds to pages that are served without hydration (landing, docs):
//! the theme switch and the account corner. Everything works without it; this only
//! makes the switch remember and shows who is signed in.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::theme::flip_theme;
use crate::auth::api::me;

/// Wires every theme switch and fills the account corner.
pub fn enhance_static_page() {
    // Without hydration nothing else sets up the task executor that `spawn_local` and
    // resources use; a second call (it is idempotent) is harmless.
    let _ = any_spawner::Executor::init_wasm_bindgen();
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    on_each(&document, "[data-testid=theme-toggle]", "click", |_| {
        flip_theme();
    });
    leptos::task::spawn_local(async move {
        if let Ok(Some(user)) = me().await {
            show_signed_in(&user.display_name);
        }
    });
}

/// Adds `handler` for `event` to every element matching `selector`.
pub fn on_each(
    document: &web_sys::Document,
    selector: &str,
    event: &str,
    handler: impl Fn(web_sys::Event) + Clone + 'static,
) {
    let Ok(elements) = document.query_selector_all(selector) else {
        return;
    };
    for index in 0..elements.length() {
        let Some(element) = elements.item(index) else {
            continue;
        };
        let handler = handler.clone();
        let closure = Closure::<dyn Fn(web_sys::Event)>::new(handler);
        // A failed listener leaves the element as the server rendered it.
        let _ = element.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref());
        // The page lives as long as the listener: nothing to drop.
        closure.forget();
    }
}

fn show_signed_in(name: &str) {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    let toggle = |selector: &str, hidden: bool| {
        if let Ok(elements) = document.query_selector_all(selector) {
            for index in 0..elements.length() {
                if let Some(element) = elements
                    .item(index)
                    .and_then(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    element.set_hidden(hidden);
                }
            }
        }
    };
    toggle("[data-account=signed-out]", true);
    toggle("[data-account=signed-in]", false);
    if let Ok(names) = document.query_selector_all("[data-account-name]") {
        for index in 0..names.length() {
            if let Some(node) = names.item(index) {
                node.set_text_content(Some(name));
            }
        }
    }
}

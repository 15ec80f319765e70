//! What the browser adds to pages that are served without hydration (landing, docs):
//! the theme switch and the account corner. Everything works without it; this only
//! makes the switch remember and shows who is signed in.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

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

/// The elements matching `selector` in `document`, as HTML elements.
pub fn select_all(document: &web_sys::Document, selector: &str) -> Vec<web_sys::HtmlElement> {
    let Ok(nodes) = document.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..nodes.length())
        .filter_map(|index| nodes.item(index))
        .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
        .collect()
}

/// Adds `handler` for `event` to every element matching `selector`.
pub fn on_each(
    document: &web_sys::Document,
    selector: &str,
    event: &str,
    handler: impl Fn(web_sys::Event) + Clone + 'static,
) {
    for element in select_all(document, selector) {
        let closure = Closure::<dyn Fn(web_sys::Event)>::new(handler.clone());
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
    for element in select_all(&document, "[data-account=signed-out]") {
        element.set_hidden(true);
    }
    for element in select_all(&document, "[data-account=signed-in]") {
        element.set_hidden(false);
    }
    for element in select_all(&document, "[data-account-name]") {
        element.set_text_content(Some(name));
    }
}

/// `navigator.clipboard.writeText(text)`; the Clipboard API is not in web-sys's stable
/// set, so it is reached through `Reflect`. Returns whether the call was made.
pub fn write_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = JsValue::from(window.navigator());
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")) else {
        return false;
    };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText")) else {
        return false;
    };
    let Ok(write) = write.dyn_into::<js_sys::Function>() else {
        return false;
    };
    write.call1(&clipboard, &JsValue::from_str(text)).is_ok()
}

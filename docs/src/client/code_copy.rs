//! A "Copy" button on every code block.

use app::ui::enhance::{on_each, select_all, write_clipboard};
use wasm_bindgen::JsCast;

/// How long the button says "Copied".
const CONFIRM_MS: i32 = 1600;

pub fn add_copy_buttons() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    for block in select_all(&document, ".code-block") {
        let Ok(button) = document.create_element("button") else {
            continue;
        };
        let _ = button.set_attribute("type", "button");
        let _ = button.set_attribute("class", "copy-button");
        let _ = button.set_attribute("aria-label", "Copy the code");
        button.set_text_content(Some("Copy"));
        let _ = block.append_child(&button);
    }
    on_each(&document, ".copy-button", "click", |event| {
        let Some(button) = event
            .current_target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let code = button
            .parent_element()
            .and_then(|block| block.query_selector("code").ok().flatten())
            .and_then(|code| code.text_content())
            .unwrap_or_default();
        if write_clipboard(&code) {
            button.set_text_content(Some("Copied"));
            let reset = wasm_bindgen::closure::Closure::once_into_js(move || {
                button.set_text_content(Some("Copy"));
            });
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                    reset.unchecked_ref(),
                    CONFIRM_MS,
                );
            }
        }
    });
}

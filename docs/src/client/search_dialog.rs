//! The instant search dialog: opened by `/`, Ctrl-K or ⌘-K, or from the header's search
//! box; results as you type; ↑ ↓ to choose, Enter to open, Esc to close.

use app::ui::enhance::on_each;
use app::ui::{Icon, IconKind};
use leptos::ev::KeyboardEvent;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::model::{MAX_QUERY_CHARS, SearchHit};
use crate::search::search_docs;

pub fn mount() {
    let Some(body) = document().body() else {
        return;
    };
    // The dialog lives as long as the page.
    leptos::mount::mount_to(body, SearchDialog).forget();
}

/// Whether the key press happens while typing into a field.
fn typing(event: &KeyboardEvent) -> bool {
    event.target().is_some_and(|target| {
        target.dyn_ref::<web_sys::HtmlInputElement>().is_some()
            || target.dyn_ref::<web_sys::HtmlTextAreaElement>().is_some()
            || target.dyn_ref::<web_sys::HtmlSelectElement>().is_some()
            || target
                .dyn_ref::<web_sys::HtmlElement>()
                .is_some_and(web_sys::HtmlElement::is_content_editable)
    })
}

#[component]
fn SearchDialog() -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let input = NodeRef::<html::Input>::new();
    let query = RwSignal::new(String::new());
    let selected = RwSignal::new(0_usize);
    let results = LocalResource::new(move || {
        let query = query
            .get()
            .trim()
            .chars()
            .take(MAX_QUERY_CHARS)
            .collect::<String>();
        async move {
            if query.is_empty() {
                Ok(Vec::new())
            } else {
                search_docs(query).await
            }
        }
    });
    let hits = move || -> Vec<SearchHit> { results.get().and_then(Result::ok).unwrap_or_default() };

    let open = move |initial: String| {
        query.set(initial);
        selected.set(0);
        if let Some(dialog) = dialog.get_untracked()
            && !dialog.open()
        {
            let _ = dialog.show_modal();
        }
        if let Some(input) = input.get_untracked() {
            let _ = input.focus();
        }
    };
    let close = move || {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };

    let handle = window_event_listener(leptos::ev::keydown, move |event: KeyboardEvent| {
        let key = event.key();
        let shortcut = key.eq_ignore_ascii_case("k") && (event.ctrl_key() || event.meta_key());
        let slash = key == "/" && !typing(&event) && !event.ctrl_key() && !event.meta_key();
        if shortcut || slash {
            event.prevent_default();
            open(String::new());
        }
    });
    // The listener stays for the page's life.
    std::mem::forget(handle);

    // The header's search box opens the dialog instead of leaving the page.
    let page = document();
    on_each(&page, "[data-search-form]", "submit", move |event| {
        event.prevent_default();
        let value = event
            .current_target()
            .and_then(|form| form.dyn_into::<web_sys::Element>().ok())
            .and_then(|form| form.query_selector("input").ok().flatten())
            .and_then(|input| input.dyn_into::<web_sys::HtmlInputElement>().ok())
            .map(|input| input.value())
            .unwrap_or_default();
        open(value);
    });
    on_each(&page, "[data-search-input]", "click", move |_| {
        open(String::new());
    });
    on_each(&page, "[data-search-input]", "keydown", move |event| {
        let Some(event) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        let key = event.key();
        if key.chars().count() == 1 && !event.ctrl_key() && !event.meta_key() && !event.alt_key() {
            event.prevent_default();
            open(key);
        }
    });

    let on_keydown = move |event: KeyboardEvent| {
        let count = hits().len();
        match event.key().as_str() {
            "ArrowDown" => {
                event.prevent_default();
                if count > 0 {
                    selected.update(|i| *i = (*i + 1).min(count - 1));
                }
            }
            "ArrowUp" => {
                event.prevent_default();
                selected.update(|i| *i = i.saturating_sub(1));
            }
            // A search field swallows the first Escape (it clears the text) before the
            // dialog sees it; close on the first press all the same.
            "Escape" => {
                event.prevent_default();
                close();
            }
            "Enter" => {
                event.prevent_default();
                if let Some(hit) = hits().get(selected.get_untracked()) {
                    close();
                    let _ = window().location().set_href(&hit.url);
                }
            }
            _ => {}
        }
    };

    // Keeps the chosen result in view.
    Effect::new(move || {
        let index = selected.get();
        if let Some(element) = document().get_element_by_id(&format!("search-hit-{index}")) {
            element.scroll_into_view_with_bool(false);
        }
    });

    view! {
        <dialog
            node_ref=dialog
            class="search-dialog"
            aria-label="Search docs and blog"
            on:click=move |event| {
                // A click on the backdrop lands on the dialog element itself.
                let on_backdrop = event
                    .target()
                    .and_then(|target| target.dyn_into::<web_sys::HtmlDialogElement>().ok())
                    .is_some();
                if on_backdrop {
                    close();
                }
            }
        >
            <div class="search-panel">
                <div class="search-field">
                    <Icon kind=IconKind::Search class="size-5 shrink-0 text-muted" />
                    <label for="search-dialog-input" class="sr-only">
                        "Search docs and blog"
                    </label>
                    <input
                        id="search-dialog-input"
                        node_ref=input
                        type="search"
                        role="combobox"
                        aria-autocomplete="list"
                        aria-controls="search-dialog-results"
                        aria-expanded=move || (!hits().is_empty()).to_string()
                        aria-activedescendant=move || {
                            (!hits().is_empty()).then(|| format!("search-hit-{}", selected.get()))
                        }
                        placeholder="Search docs and blog"
                        autocomplete="off"
                        maxlength="200"
                        class="search-field-input"
                        prop:value=move || query.get()
                        on:input=move |event| {
                            query.set(event_target_value(&event));
                            selected.set(0);
                        }
                        on:keydown=on_keydown
                    />
                    <button type="button" class="search-close" on:click=move |_| close()>
                        "Esc"
                        <span class="sr-only">" — close search"</span>
                    </button>
                </div>
                <div class="search-body" aria-live="polite">
                    {move || {
                        let has_query = !query.get().trim().is_empty();
                        match results.get() {
                            _ if !has_query => {
                                view! {
                                    <p class="search-state">
                                        "Search titles, headings and text of every page and post."
                                    </p>
                                }
                                    .into_any()
                            }
                            None => view! { <p class="search-state">"Searching…"</p> }.into_any(),
                            Some(Err(error)) => {
                                view! {
                                    <p class="search-state text-danger" role="alert">
                                        {error.to_string()}
                                    </p>
                                }
                                    .into_any()
                            }
                            Some(Ok(hits)) if hits.is_empty() => {
                                view! {
                                    <p class="search-state">
                                        {format!("Nothing matches “{}”.", query.get().trim())}
                                    </p>
                                }
                                    .into_any()
                            }
                            Some(Ok(hits)) => {
                                view! {
                                    <ul id="search-dialog-results" role="listbox" aria-label="Results" class="search-results">
                                        {hits
                                            .into_iter()
                                            .enumerate()
                                            .map(|(index, hit)| {
                                                let is_selected = move || selected.get() == index;
                                                view! {
                                                    <li
                                                        id=format!("search-hit-{index}")
                                                        role="option"
                                                        aria-selected=move || is_selected().to_string()
                                                        on:mousemove=move |_| selected.set(index)
                                                    >
                                                        <a class="search-hit" href=hit.url.clone() tabindex="-1" on:click=move |_| close()>
                                                            <span class="search-hit-title">
                                                                <span class="badge-muted">{hit.kind.label()}</span>
                                                                <span>{hit.title.clone()}</span>
                                                                {hit
                                                                    .heading
                                                                    .clone()
                                                                    .map(|heading| {
                                                                        view! { <span class="text-muted">{format!("› {heading}")}</span> }
                                                                    })}
                                                            </span>
                                                            <span class="search-hit-snippet" inner_html=hit.snippet.clone()></span>
                                                        </a>
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ul>
                                }
                                    .into_any()
                            }
                        }
                    }}
                </div>
                <p class="search-footer" aria-hidden="true">
                    <span><kbd>"↑"</kbd> <kbd>"↓"</kbd> " to choose"</span>
                    <span><kbd>"Enter"</kbd> " to open"</span>
                    <span><kbd>"Esc"</kbd> " to close"</span>
                </p>
            </div>
        </dialog>
    }
}

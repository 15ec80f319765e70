//! Taking a profile elsewhere and bringing one in: the export as a JSON Resume file, and
//! an import that fills a new profile from one (chosen as a file, or pasted).

use leptos::prelude::*;

use super::use_editing;
use crate::beta::forms::{FormAlert, field_error, form_error};
use crate::profiles::EXPORT_PATH;
use crate::profiles::api::ImportProfile;
use crate::profiles::model::Visibility;

/// The export link, once there is a profile to export.
#[component]
pub(super) fn ExportCard() -> impl IntoView {
    view! {
        <div class="card mt-6" data-testid="profile-export">
            <h2 class="title-3">"Export"</h2>
            <p class="mt-2 text-sm text-muted">
                "Your whole profile as a JSON Resume file, which other résumé tools can read. It holds everything but the order of skill categories."
            </p>
            <a class="btn btn-secondary mt-4" href=EXPORT_PATH download="resume.json">"Download JSON Resume"</a>
        </div>
    }
}

/// Starting a profile from a JSON Resume file instead of the form.
#[component]
pub(super) fn ImportCard(suggested_handle: String) -> impl IntoView {
    let editing = use_editing();
    let import = ServerAction::<ImportProfile>::new();
    let document = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(imported)) = import.value().get() {
            editing.profile.set(Some(imported));
        }
    });
    let file_error = field_error(import, "file");
    let handle_error = field_error(import, "handle");
    let on_file = move |event: leptos::ev::Event| read_chosen_file(&event, document);
    view! {
        <details class="card mt-6" data-testid="profile-import">
            <summary class="cursor-pointer font-semibold">"Or start from a JSON Resume file"</summary>
            <div class="mt-4">
                <FormAlert message=form_error(import) />
                <ActionForm action=import>
                    <div class="field">
                        <label class="label" for="import-handle">"Handle"</label>
                        <input class="input" id="import-handle" name="handle" value=suggested_handle required
                            aria-describedby="import-handle-error"
                            aria-invalid=move || handle_error.get().is_some().then_some("true") />
                        <p class="field-error" id="import-handle-error" role="alert">{move || handle_error.get()}</p>
                    </div>
                    <div class="field">
                        <label class="label" for="import-visibility">"Who can see it"</label>
                        <select class="select" id="import-visibility" name="visibility">
                            {Visibility::ALL.into_iter().map(|visibility| view! {
                                <option value=visibility.as_str() selected=visibility == Visibility::Private>{visibility.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label class="label" for="import-file">"File"</label>
                        <input class="input" id="import-file" type="file" accept=".json,application/json" on:change=on_file />
                    </div>
                    <div class="field">
                        <label class="label" for="import-resume">"Or paste it"</label>
                        <textarea
                            class="input min-h-32 font-mono text-xs"
                            id="import-resume"
                            name="resume"
                            required
                            aria-describedby="import-resume-error"
                            aria-invalid=move || file_error.get().is_some().then_some("true")
                            prop:value=move || document.get()
                            on:input=move |event| document.set(event_target_value(&event))
                        ></textarea>
                        <p class="field-error" id="import-resume-error" role="alert">{move || file_error.get()}</p>
                    </div>
                    <button class="btn btn-primary" type="submit" disabled=move || import.pending().get()>
                        {move || if import.pending().get() { "Importing..." } else { "Import" }}
                    </button>
                </ActionForm>
            </div>
        </details>
    }
}

/// Puts the text of the file chosen in `event`'s input into `into`.
fn read_chosen_file(event: &leptos::ev::Event, into: RwSignal<String>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        let Some(file) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        let Ok(reader) = web_sys::FileReader::new() else {
            return;
        };
        let reading = reader.clone();
        let on_load = Closure::once_into_js(move || {
            if let Some(text) = reading.result().ok().and_then(|result| result.as_string()) {
                into.set(text);
            }
        });
        reader.set_onload(Some(on_load.unchecked_ref()));
        let _ = reader.read_as_text(&file);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, into);
}

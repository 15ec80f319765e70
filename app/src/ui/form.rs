//! Form pieces: a labelled input with its error, and a form-level alert.

use leptos::prelude::*;

/// A labelled text input. `error` holds the message for this field, if any; the input is
/// then marked invalid and described by the message.
#[component]
pub fn TextField(
    /// The form field's `name`, also used for its id.
    name: &'static str,
    label: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    /// What the field holds when the page loads.
    #[prop(optional, into)]
    value: Option<String>,
    /// The field may be left empty.
    #[prop(optional)]
    optional: bool,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let error_id = error_id.clone();
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if !hint.is_empty() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label class="label" for=id.clone()>
                {label}
            </label>
            <input
                class="input"
                id=id
                name=name
                type=input_type
                value=value
                autocomplete=(!autocomplete.is_empty()).then_some(autocomplete)
                required=!optional
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            {(!hint.is_empty()).then(|| view! { <p class="text-sm text-muted" id=hint_id>{hint}</p> })}
            <p class="field-error" id=error_id role="alert">
                {move || error.get()}
            </p>
        </div>
    }
}

//! The form of one item, new or existing, drawn from its kind's field table — the same
//! table the server checks against, so a form never asks for a field the server ignores.

use leptos::html;
use leptos::prelude::*;

use super::use_editing;
use crate::beta::forms::{FormAlert, field_error, form_error};
use crate::profiles::api::SaveProfileItem;
use crate::profiles::model::{FieldSpec, Input, ItemKind, ProfileItem};

/// Adds an item of `kind` (a skill to the category `parent`), or edits `item`.
#[component]
pub(super) fn ItemForm(
    kind: ItemKind,
    #[prop(optional)] item: Option<ProfileItem>,
    #[prop(optional)] parent: Option<String>,
    /// Runs after the server saved it (to close the form it sits in).
    #[prop(optional)]
    on_saved: Option<Callback<()>>,
) -> impl IntoView {
    let editing = use_editing();
    let save = ServerAction::<SaveProfileItem>::new();
    let form = NodeRef::<html::Form>::new();
    let adding = item.is_none();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            editing.profile.set(Some(saved));
            if adding && let Some(form) = form.get_untracked() {
                form.reset();
            }
            if let Some(on_saved) = on_saved {
                on_saved.run(());
            }
        }
    });
    // Ids unique on the page: the item's own, or the kind's (and category's) for a new one.
    let prefix = item.as_ref().map_or_else(
        || {
            format!(
                "new-{}-{}",
                kind.as_str(),
                parent.as_deref().unwrap_or("top")
            )
        },
        |item| format!("item-{}", item.id),
    );
    let id = item.as_ref().map(|item| item.id.clone());
    let fields = item.map(|item| item.fields).unwrap_or_default();
    let inputs = kind
        .fields()
        .iter()
        .map(|spec| {
            view! {
                <Field
                    spec=*spec
                    id=format!("{prefix}-{}", spec.name.replace('_', "-"))
                    value=fields.get(spec.name)
                    error=field_error(save, spec.name)
                />
            }
        })
        .collect_view();
    let label = if adding {
        format!("Add {}", kind.noun())
    } else {
        "Save".to_owned()
    };
    view! {
        <ActionForm action=save node_ref=form>
            <FormAlert message=form_error(save) />
            {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
            <input type="hidden" name="kind" value=kind.as_str() />
            {parent.map(|parent| view! { <input type="hidden" name="parent" value=parent /> })}
            <div class="grid gap-x-4 sm:grid-cols-2">{inputs}</div>
            <button class="btn btn-primary" type="submit" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Saving...".to_owned() } else { label.clone() }}
            </button>
        </ActionForm>
    }
}

/// One labelled input of an item's form, typed as its spec says.
#[component]
fn Field(
    spec: FieldSpec,
    id: String,
    value: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let invalid = move || error.get().is_some().then_some("true");
    let max = spec.max_chars.to_string();
    let wide = matches!(spec.input, Input::LongText | Input::Tags);
    let control = match spec.input {
        Input::LongText => view! {
            <textarea class="input min-h-24" id=id.clone() name=spec.name maxlength=max required=spec.required
                aria-invalid=invalid aria-describedby=error_id.clone()>
                {value}
            </textarea>
        }
        .into_any(),
        Input::Choice(choices) => view! {
            <select class="select" id=id.clone() name=spec.name required=spec.required
                aria-invalid=invalid aria-describedby=error_id.clone()>
                <option value="" selected=value.is_empty()>"Choose..."</option>
                {choices.iter().map(|(choice, label)| view! {
                    <option value=*choice selected=value == *choice>{*label}</option>
                }).collect_view()}
            </select>
        }
        .into_any(),
        Input::Text | Input::Url | Input::Month | Input::Tags => {
            let (input_type, placeholder) = match spec.input {
                Input::Url => ("url", "https://"),
                // Browsers without a month picker show a text box; the pattern keeps it exact.
                Input::Month => ("month", "YYYY-MM"),
                _ => ("text", ""),
            };
            let pattern = matches!(spec.input, Input::Month).then_some("[0-9]{4}-[0-9]{2}");
            view! {
                <input class="input" id=id.clone() name=spec.name type=input_type value=value maxlength=max
                    required=spec.required placeholder=(!placeholder.is_empty()).then_some(placeholder)
                    pattern=pattern aria-invalid=invalid aria-describedby=error_id.clone() />
            }
            .into_any()
        }
    };
    view! {
        <div class=if wide { "field sm:col-span-2" } else { "field" }>
            <label class="label" for=id>
                {spec.label}
                {spec.required.then(|| view! { <span class="text-muted" aria-hidden="true">" *"</span> })}
            </label>
            {control}
            <p class="field-error" id=error_id role="alert">{move || error.get()}</p>
        </div>
    }
}

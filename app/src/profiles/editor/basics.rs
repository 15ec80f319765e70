//! The profile's own fields: handle, name, headline, location, bio and who may see it.

use leptos::prelude::*;

use super::use_editing;
use crate::beta::forms::{FormAlert, field_error, form_error};
use crate::profiles::api::SaveProfile;
use crate::profiles::model::{Profile, Visibility};
use crate::ui::TextField;

/// A handle to start from: the account's name in lower case, words joined by dashes.
pub(super) fn suggested_handle(name: &str) -> String {
    let words: Vec<String> = name
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut handle = words.join("-");
    handle.truncate(30);
    handle.trim_end_matches('-').to_owned()
}

#[component]
pub(super) fn BasicsCard(
    account_name: String,
    /// The profile was just created on this page (by the form or an import).
    #[prop(optional)]
    created: bool,
) -> impl IntoView {
    let editing = use_editing();
    let save = ServerAction::<SaveProfile>::new();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            editing.profile.set(Some(saved));
        }
    });
    let existing = editing.profile.get_untracked();
    let creating = existing.is_none();
    let start = existing.unwrap_or_else(|| Profile {
        handle: suggested_handle(&account_name),
        display_name: account_name,
        ..Profile::default()
    });
    let saved = move || match save.value().get() {
        Some(Ok(_)) => Some("Saved."),
        None if created => Some("Profile created. Now add your sections below."),
        _ => None,
    };
    let bio_error = field_error(save, "bio");
    let visibility_error = field_error(save, "visibility");
    view! {
        <div class="card" data-testid="profile-basics">
            <h2 class="title-3">{if creating { "Create your profile" } else { "Basics" }}</h2>
            <div class="mt-5">
                <FormAlert message=form_error(save) />
                <ActionForm action=save>
                    <div class="grid gap-x-4 sm:grid-cols-2">
                        <TextField
                            name="handle"
                            label="Handle"
                            hint="Your page's address: /u/ and this. Lower-case letters, digits and dashes."
                            autocomplete="username"
                            value=start.handle.clone()
                            error=field_error(save, "handle")
                        />
                        <TextField
                            name="display_name"
                            label="Name"
                            autocomplete="name"
                            value=start.display_name.clone()
                            error=field_error(save, "display_name")
                        />
                        <TextField
                            name="headline"
                            label="Headline"
                            hint="One line under your name, such as Quantitative researcher."
                            value=start.headline.clone()
                            error=field_error(save, "headline")
                            optional=true
                        />
                        <TextField
                            name="location"
                            label="Location"
                            autocomplete="address-level2"
                            value=start.location.clone()
                            error=field_error(save, "location")
                            optional=true
                        />
                    </div>
                    <div class="field">
                        <label class="label" for="field-bio">"Bio"</label>
                        <textarea
                            class="input min-h-32"
                            id="field-bio"
                            name="bio"
                            maxlength="5000"
                            aria-describedby="field-bio-hint field-bio-error"
                            aria-invalid=move || bio_error.get().is_some().then_some("true")
                        >
                            {start.bio.clone()}
                        </textarea>
                        <p class="text-sm text-muted" id="field-bio-hint">
                            "Markdown: **bold**, *italic*, [links](https://example.org), lists. Up to 5,000 characters."
                        </p>
                        <p class="field-error" id="field-bio-error" role="alert">{move || bio_error.get()}</p>
                    </div>
                    <fieldset class="field" aria-describedby="field-visibility-error">
                        <legend class="label">"Who can see it"</legend>
                        <div class="mt-1 grid gap-2">
                            {Visibility::ALL.into_iter().map(|visibility| {
                                let id = format!("visibility-{}", visibility.as_str());
                                let label_for = id.clone();
                                view! {
                                    <label class="choice" for=label_for>
                                        <input
                                            type="radio"
                                            id=id
                                            name="visibility"
                                            value=visibility.as_str()
                                            checked=start.visibility == visibility
                                        />
                                        <span>{visibility.label()}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                        <p class="field-error" id="field-visibility-error" role="alert">{move || visibility_error.get()}</p>
                    </fieldset>
                    <div class="flex flex-wrap items-center gap-3">
                        <button class="btn btn-primary" type="submit" disabled=move || save.pending().get()>
                            {move || match (save.pending().get(), creating) {
                                (true, _) => "Saving...",
                                (false, true) => "Create profile",
                                (false, false) => "Save",
                            }}
                        </button>
                        <p class="text-sm text-accent" role="status" data-testid="basics-saved">
                            {saved}
                        </p>
                    </div>
                </ActionForm>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::suggested_handle;

    #[test]
    fn a_name_suggests_a_handle() {
        assert_eq!(suggested_handle("Ada Lovelace"), "ada-lovelace");
        assert_eq!(suggested_handle("  Grace  M. Hopper "), "grace-m-hopper");
        assert_eq!(suggested_handle("Émile"), "mile");
        assert_eq!(suggested_handle(""), "");
    }
}

//! Which notifications to hear: a card on the account page, one checkbox per kind.

use leptos::either::Either;
use leptos::prelude::*;

use super::api::{SaveNotificationSettings, notification_settings};

#[component]
pub fn NotificationSettingsCard() -> impl IntoView {
    let save = ServerAction::<SaveNotificationSettings>::new();
    let settings = Resource::new(move || save.version().get(), |_| notification_settings());
    let saved = move || match save.value().get() {
        Some(Ok(_)) => "Saved.".to_owned(),
        Some(Err(err)) => err.to_string(),
        None => String::new(),
    };
    view! {
        <section id="notifications" class="card mt-8" aria-labelledby="notifications-title">
            <h2 id="notifications-title" class="title-3">"Notifications"</h2>
            <p class="mt-2 text-sm text-muted">
                "What you hear about in the app. The bell in the header counts what you have not read yet."
            </p>
            <Transition fallback=|| view! { <p class="mt-4 text-muted" role="status">"Loading your settings..."</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(settings) => Either::Left(view! {
                            <ActionForm action=save attr:class="mt-4 flex flex-col gap-3" attr:data-testid="notification-settings">
                                <fieldset class="flex flex-col gap-3">
                                    <legend class="sr-only">"Notify me when"</legend>
                                    {settings
                                        .into_iter()
                                        .map(|setting| {
                                            let name = setting.kind.as_str();
                                            view! {
                                                <label class="choice" for=format!("notify-{name}")>
                                                    <input class="checkbox" type="checkbox" id=format!("notify-{name}") name=name value="on" checked=setting.enabled />
                                                    <span>{setting.kind.label()}</span>
                                                </label>
                                            }
                                        })
                                        .collect_view()}
                                </fieldset>
                                <div class="flex items-center gap-3">
                                    <button class="btn btn-primary" type="submit" disabled=move || save.pending().get()>
                                        {move || if save.pending().get() { "Saving..." } else { "Save" }}
                                    </button>
                                    <p class="text-sm text-muted" role="status">{saved}</p>
                                </div>
                            </ActionForm>
                        }),
                        Err(err) => Either::Right(view! { <p class="alert mt-4" role="alert">{err.to_string()}</p> }),
                    }
                })}
            </Transition>
        </section>
    }
}

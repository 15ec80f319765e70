//! What the auth pages share: reading errors out of an action, and leaving the page.

use leptos::prelude::*;
use server_fn::ServerFn;

use crate::auth::model::AuthError;

/// The message for one field from the action's last result.
pub fn field_error<S>(action: ServerAction<S>, field: &'static str) -> Signal<Option<String>>
where
    S: ServerFn<Error = AuthError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        action
            .value()
            .get()
            .and_then(Result::err)
            .and_then(|err| err.message_for(field))
    })
}

/// A message for the whole form (errors that belong to no single field).
pub fn form_error<S>(action: ServerAction<S>) -> Signal<Option<String>>
where
    S: ServerFn<Error = AuthError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(Err(AuthError::InvalidInput { .. })) | Some(Ok(_)) | None => None,
        Some(Err(err)) => Some(err.to_string()),
    })
}

/// An alert above a form, present only while there is something to say.
#[component]
pub fn FormAlert(message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div role="alert" aria-live="assertive">
            {move || message.get().map(|text| view! { <p class="alert mb-5" data-testid="form-error">{text}</p> })}
        </div>
    }
}

/// A full page load of `path`, so every part of the page sees the new session.
pub fn go_to(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

//! What the auth pages share: reading errors out of an action, and leaving the page.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;
use server_fn::ServerFn;

use crate::auth::api::me;
use crate::auth::model::AuthError;
use crate::auth::return_to::safe_return_to;
use crate::errors::ServerFnFailure;

/// Where to go after signing in: the page's `returnTo`, if it is a same-site path.
pub fn use_return_to() -> Memo<String> {
    let query = use_query_map();
    Memo::new(move |_| safe_return_to(query.read().get("returnTo").as_deref()))
}

/// Sends a visitor who is already signed in straight on to `return_to`.
#[component]
pub fn RedirectIfSignedIn(return_to: Memo<String>) -> impl IntoView {
    let signed_in = Resource::new_blocking(|| (), |()| me());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match signed_in.await {
                    Ok(Some(_)) => Either::Left(view! { <Redirect path=return_to.get_untracked() /> }),
                    _ => Either::Right(()),
                }
            })}
        </Suspense>
    }
}

/// Once `action` succeeds, loads `return_to` afresh so every part of the page sees the session.
pub fn go_to_on_success<S>(action: ServerAction<S>, return_to: Memo<String>)
where
    S: ServerFn<Error = AuthError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            go_to(&return_to.get_untracked());
        }
    });
}

/// The message for one field from the action's last result.
pub fn field_error<S>(action: ServerAction<S>, field: &'static str) -> Signal<Option<String>>
where
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Error: ServerFnFailure + Clone + Send + Sync + 'static,
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
    S: ServerFn + Clone + Send + Sync + 'static,
    S::Error: ServerFnFailure + std::fmt::Display + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || match action.value().get() {
        Some(Err(err)) if err.field_errors().is_empty() => Some(err.to_string()),
        _ => None,
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

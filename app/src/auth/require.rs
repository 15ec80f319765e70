//! The page-side guard: renders a page only for a signed-in user (or an administrator),
//! sends strangers to sign in and shows non-administrators a 403 page. The server
//! functions behind every page check again; this only decides what to render.

use std::sync::Arc;

use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use super::api::me;
use super::model::{CurrentUser, Role};
use super::return_to::login_url;

/// Who may see a guarded page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Audience {
    #[default]
    SignedIn,
    Administrators,
}

/// Renders `children` with the signed-in user once `me` answers.
#[component]
pub fn RequireUser<F, V>(children: F, #[prop(optional)] audience: Audience) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let user = Resource::new_blocking(|| (), |()| me());
    let location = use_location();
    let children = Arc::new(children);
    view! {
        <Suspense fallback=|| {
            view! {
                <p class="container-narrow py-16 text-muted" role="status">
                    "Loading..."
                </p>
            }
        }>
            {move || {
                let children = Arc::clone(&children);
                Suspend::new(async move {
                    match user.await {
                        Ok(Some(user))
                            if audience == Audience::SignedIn || user.role == Role::Admin =>
                        {
                            EitherOf4::A(children(user))
                        }
                        Ok(Some(_)) => EitherOf4::B(view! { <AdministratorsOnly /> }),
                        Ok(None) => {
                            let here = here(
                                &location.pathname.get_untracked(),
                                &location.search.get_untracked(),
                            );
                            EitherOf4::C(view! { <SignInFirst path=login_url(&here) /> })
                        }
                        Err(err) => EitherOf4::D(view! {
                            <section class="container-narrow py-16">
                                <p class="alert" role="alert">{err.to_string()}</p>
                            </section>
                        }),
                    }
                })
            }}
        </Suspense>
    }
}

/// The path and query of the page, to come back to after signing in. The router's
/// `search` has no leading `?`.
fn here(pathname: &str, search: &str) -> String {
    match search.trim_start_matches('?') {
        "" => pathname.to_owned(),
        query => format!("{pathname}?{query}"),
    }
}

/// Sends a stranger to the sign-in page.
///
/// On the server this is a real `303 See Other`, whatever the request accepts: the
/// router's `<Redirect>` sets a redirect status only when the request's `Accept` names
/// `text/html`, so a crawler, `curl` or any client sending `*/*` got a `200` with a
/// `Location` header (which clients ignore on a 200) and an empty page. Guarded pages
/// render with `SsrMode::Async`, so the status is still ours to set when this runs.
/// In the browser, the router navigates.
#[component]
fn SignInFirst(path: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        // `login_url` percent-encodes everything outside unreserved ASCII.
        let location = http::HeaderValue::from_str(&path)
            .unwrap_or_else(|_| http::HeaderValue::from_static("/login"));
        response.insert_header(http::header::LOCATION, location);
        response.set_status(http::StatusCode::SEE_OTHER);
        return None;
    }
    Some(view! { <Redirect path /> })
}

/// The 403 page: signed in, but not an administrator.
#[component]
fn AdministratorsOnly() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::FORBIDDEN);
    }
    view! {
        <Title text="Administrators only" />
        <section class="container-narrow py-24 text-center" aria-labelledby="forbidden-title">
            <p class="eyebrow">"403"</p>
            <h1 id="forbidden-title" class="display-2 mt-2">
                "Administrators only"
            </h1>
            <p class="lead mt-4">
                "You are signed in, but this section needs an administrator account. Ask an administrator of this instance if you need access."
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::here;

    #[test]
    fn the_query_comes_back_after_signing_in() {
        assert_eq!(here("/users", ""), "/users");
        assert_eq!(here("/users", "page=2&q=ada"), "/users?page=2&q=ada");
        assert_eq!(here("/users", "?page=2"), "/users?page=2");
    }
}

//! `/login`: sign in with email and password.

use leptos::prelude::*;
use leptos_meta::Title;

use super::forms::{
    FormAlert, RedirectIfSignedIn, field_error, form_error, go_to_on_success, use_return_to,
};
use leptos::either::Either;
use leptos_router::hooks::use_query_map;

use crate::auth::api::{Login, sign_in_provider};
use crate::auth::model::{PROVIDER_START_PATH, ProviderSignInError};
use crate::auth::return_to::encode;
use crate::ui::TextField;

#[component]
pub fn LoginPage() -> impl IntoView {
    let return_to = use_return_to();
    let action = ServerAction::<Login>::new();
    go_to_on_success(action, return_to);
    let register_href = move || {
        let target = return_to.get();
        if target == "/" {
            "/register".to_owned()
        } else {
            format!(
                "/register?returnTo={}",
                crate::auth::return_to::encode(&target)
            )
        }
    };
    view! {
        <Title text="Sign in" />
        <RedirectIfSignedIn return_to />
        <section class="container-narrow py-16" aria-labelledby="login-title">
            <h1 id="login-title" class="display-2">
                "Sign in"
            </h1>
            <p class="lead mt-2">"Welcome back. Your agents kept working while you were away."</p>
            <div class="card mt-8">
                <ProviderSignIn return_to />
                <FormAlert message=form_error(action) />
                <ActionForm action>
                    <div class="space-y-5">
                        <TextField
                            name="email"
                            label="Email"
                            input_type="email"
                            autocomplete="username"
                            error=field_error(action, "email")
                        />
                        <TextField
                            name="password"
                            label="Password"
                            input_type="password"
                            autocomplete="current-password"
                            error=field_error(action, "password")
                        />
                        <button class="btn btn-primary w-full" type="submit" disabled=move || action.pending().get()>
                            {move || if action.pending().get() { "Signing in..." } else { "Sign in" }}
                        </button>
                    </div>
                </ActionForm>
            </div>
            <p class="mt-6 text-center text-muted">
                "No account yet? "
                <a class="link" href=register_href>
                    "Create one"
                </a>
            </p>
        </section>
    }
}

/// "Sign in with <provider>" when one is configured, and what went wrong if the
/// provider sent the visitor back with an error.
#[component]
fn ProviderSignIn(return_to: Memo<String>) -> impl IntoView {
    let query = use_query_map();
    let provider_error = move || {
        query
            .read()
            .get("error")
            .and_then(|code| ProviderSignInError::parse(&code))
            .map(ProviderSignInError::message)
    };
    let provider = Resource::new_blocking(|| (), |()| sign_in_provider());
    let start_href = move || {
        let target = return_to.get();
        if target == "/" {
            PROVIDER_START_PATH.to_owned()
        } else {
            format!("{PROVIDER_START_PATH}?returnTo={}", encode(&target))
        }
    };
    let registered = move || query.read().get("registered").is_some();
    view! {
        {move || registered().then(|| view! {
            <p class="mb-5 text-sm text-accent" role="status" data-testid="registered">
                "If this email was new, your account is ready: sign in with the password you just chose. If it already had an account, sign in with that account's password."
            </p>
        })}
        {move || provider_error().map(|message| view! {
            <p class="alert mb-5" role="alert" data-testid="provider-error">{message}</p>
        })}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match provider.await {
                    Ok(Some(name)) => Either::Left(view! {
                        <a class="btn btn-secondary w-full" href=start_href data-testid="provider-sign-in" rel="external">
                            {format!("Sign in with {name}")}
                        </a>
                        <p class="my-5 flex items-center gap-3 text-sm text-muted" aria-hidden="true">
                            <span class="h-px flex-1 bg-line"></span>
                            "or with your password"
                            <span class="h-px flex-1 bg-line"></span>
                        </p>
                    }),
                    _ => Either::Right(()),
                }
            })}
        </Suspense>
    }
}

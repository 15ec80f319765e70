//! `/login`: sign in with email and password.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use super::forms::{FormAlert, field_error, form_error, go_to};
use crate::auth::api::{Login, me};
use crate::auth::return_to::safe_return_to;
use crate::ui::TextField;

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let return_to = Memo::new(move |_| safe_return_to(query.read().get("returnTo").as_deref()));
    let signed_in = Resource::new_blocking(|| (), |()| me());
    let action = ServerAction::<Login>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            go_to(&return_to.get_untracked());
        }
    });
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
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match signed_in.await {
                    Ok(Some(_)) => Either::Left(view! { <Redirect path=return_to.get_untracked() /> }),
                    _ => Either::Right(()),
                }
            })}
        </Suspense>
        <section class="container-narrow py-16" aria-labelledby="login-title">
            <h1 id="login-title" class="display-2">
                "Sign in"
            </h1>
            <p class="lead mt-2">"Welcome back. Your agents kept working while you were away."</p>
            <div class="card mt-8">
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

//! `/register`: create an account.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use super::forms::{FormAlert, field_error, form_error, go_to};
use crate::auth::api::{Register, me};
use crate::auth::return_to::safe_return_to;
use crate::ui::TextField;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let query = use_query_map();
    let return_to = Memo::new(move |_| safe_return_to(query.read().get("returnTo").as_deref()));
    let signed_in = Resource::new_blocking(|| (), |()| me());
    let action = ServerAction::<Register>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            go_to(&return_to.get_untracked());
        }
    });
    view! {
        <Title text="Create an account" />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match signed_in.await {
                    Ok(Some(_)) => Either::Left(view! { <Redirect path=return_to.get_untracked() /> }),
                    _ => Either::Right(()),
                }
            })}
        </Suspense>
        <section class="container-narrow py-16" aria-labelledby="register-title">
            <h1 id="register-title" class="display-2">
                "Create your account"
            </h1>
            <p class="lead mt-2">"One account for the app, your agents and your public profile."</p>
            <div class="card mt-8">
                <FormAlert message=form_error(action) />
                <ActionForm action>
                    <div class="space-y-5">
                        <TextField
                            name="display_name"
                            label="Name"
                            autocomplete="name"
                            hint="Shown on your profile and to administrators."
                            error=field_error(action, "display_name")
                        />
                        <TextField
                            name="email"
                            label="Email"
                            input_type="email"
                            autocomplete="email"
                            error=field_error(action, "email")
                        />
                        <TextField
                            name="password"
                            label="Password"
                            input_type="password"
                            autocomplete="new-password"
                            hint="At least 12 characters. A few unrelated words work well."
                            error=field_error(action, "password")
                        />
                        <button class="btn btn-primary w-full" type="submit" disabled=move || action.pending().get()>
                            {move || if action.pending().get() { "Creating your account..." } else { "Create account" }}
                        </button>
                    </div>
                </ActionForm>
            </div>
            <p class="mt-6 text-center text-muted">
                "Already have an account? "
                <a class="link" href="/login">
                    "Sign in"
                </a>
            </p>
        </section>
    }
}

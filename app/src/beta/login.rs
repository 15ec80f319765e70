//! `/login`: sign in with email and password.

use leptos::prelude::*;
use leptos_meta::Title;

use super::forms::{
    FormAlert, RedirectIfSignedIn, field_error, form_error, go_to_on_success, use_return_to,
};
use crate::auth::api::Login;
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

//! `/register`: create an account.

use leptos::prelude::*;
use leptos_meta::Title;

use super::forms::{FormAlert, RedirectIfSignedIn, field_error, form_error, go_to, use_return_to};
use crate::auth::api::Register;
use crate::auth::return_to::encode;
use crate::ui::TextField;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let return_to = use_return_to();
    let action = ServerAction::<Register>::new();
    // Registering signs nobody in (the answer is the same whether the email was free or
    // not), so the next step is signing in with the password just chosen.
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            let target = return_to.get_untracked();
            let mut login = "/login?registered=1".to_owned();
            if target != "/" {
                login.push_str("&returnTo=");
                login.push_str(&encode(&target));
            }
            go_to(&login);
        }
    });
    view! {
        <Title text="Create an account" />
        <RedirectIfSignedIn return_to />
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

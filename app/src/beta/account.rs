//! `/account`: who you are signed in as, and signing out.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use super::forms::{FormAlert, field_error, form_error, go_to};
use crate::auth::api::{ChangePassword, Logout, me};
use crate::auth::model::Role;
use crate::auth::return_to::login_url;
use crate::ui::TextField;

#[component]
pub fn AccountPage() -> impl IntoView {
    let user = Resource::new_blocking(|| (), |()| me());
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            go_to("/");
        }
    });
    view! {
        <Title text="Your account" />
        <section class="container-narrow py-16" aria-labelledby="account-title">
            <h1 id="account-title" class="display-2">
                "Your account"
            </h1>
            <Suspense fallback=|| view! { <p class="mt-6 text-muted" role="status">"Loading your account..."</p> }>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => EitherOf3::A(view! {
                            <div class="card mt-8">
                                <dl class="grid gap-4 sm:grid-cols-[10rem_1fr]">
                                    <dt class="text-muted">"Name"</dt>
                                    <dd data-testid="account-name">{user.display_name}</dd>
                                    <dt class="text-muted">"Email"</dt>
                                    <dd>{user.email}</dd>
                                    <dt class="text-muted">"Role"</dt>
                                    <dd>{if user.role == Role::Admin { "Administrator" } else { "User" }}</dd>
                                </dl>
                            </div>
                            <ChangePasswordForm />
                            <div class="mt-6">
                                <FormAlert message=form_error(logout) />
                                <ActionForm action=logout>
                                    <button class="btn btn-secondary" type="submit" disabled=move || logout.pending().get()>
                                        "Sign out"
                                    </button>
                                </ActionForm>
                            </div>
                        }),
                        Ok(None) => EitherOf3::B(view! { <Redirect path=login_url("/account") /> }),
                        Err(err) => EitherOf3::C(view! { <p class="alert mt-6" role="alert">{err.to_string()}</p> }),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <div class="card mt-6">
            <h2 class="title-3">"Change password"</h2>
            <p class="mt-1 text-sm text-muted">"Your session gets a new id; anyone holding the old one is signed out."</p>
            <div class="mt-5">
                <FormAlert message=form_error(action) />
                <p class="mb-5 text-sm text-accent" role="status" data-testid="password-changed">
                    {move || done().then_some("Your password was changed.")}
                </p>
                <ActionForm action>
                    <div class="space-y-5">
                        <TextField
                            name="current_password"
                            label="Current password"
                            input_type="password"
                            autocomplete="current-password"
                            error=field_error(action, "current_password")
                        />
                        <TextField
                            name="new_password"
                            label="New password"
                            input_type="password"
                            autocomplete="new-password"
                            hint="At least 12 characters. A few unrelated words work well."
                            error=field_error(action, "new_password")
                        />
                        <button class="btn btn-primary" type="submit" disabled=move || action.pending().get()>
                            {move || if action.pending().get() { "Changing..." } else { "Change password" }}
                        </button>
                    </div>
                </ActionForm>
            </div>
        </div>
    }
}

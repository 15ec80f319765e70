//! `/account`: who you are signed in as, and signing out.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

use super::forms::{FormAlert, form_error, go_to};
use crate::auth::api::{Logout, me};
use crate::auth::model::Role;
use crate::auth::return_to::login_url;

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

//! `/account`: who you are signed in as, your sessions, your password, signing out.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;

use super::forms::{FormAlert, field_error, form_error, go_to};
use crate::auth::api::{
    ChangePassword, EndOtherSessions, EndSession, Logout, UpdateProfile, linked_identities,
    sessions,
};
use crate::auth::model::{
    CurrentUser, PROVIDER_LINK_PATH, ProviderLinks, ProviderSignInError, Role, SessionInfo,
};
use crate::auth::require::RequireUser;
use crate::ui::TextField;
use crate::ui::time::{format_utc, iso};

#[component]
pub fn AccountPage() -> impl IntoView {
    view! {
        <Title text="Your account" />
        <section class="container-narrow py-16" aria-labelledby="account-title">
            <h1 id="account-title" class="display-2">
                "Your account"
            </h1>
            <RequireUser children=|user| view! { <AccountDetails user /> } />
        </section>
    }
}

#[component]
fn AccountDetails(user: CurrentUser) -> impl IntoView {
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            go_to("/");
        }
    });
    let rename = ServerAction::<UpdateProfile>::new();
    let initial_name = user.display_name.clone();
    let name = Signal::derive(move || match rename.value().get() {
        Some(Ok(updated)) => updated.display_name,
        _ => initial_name.clone(),
    });
    view! {
        <div class="card mt-8">
            <dl class="grid gap-4 sm:grid-cols-[10rem_1fr]">
                <dt class="text-muted">"Name"</dt>
                <dd data-testid="account-name">{name}</dd>
                <dt class="text-muted">"Email"</dt>
                <dd>{user.email}</dd>
                <dt class="text-muted">"Role"</dt>
                <dd>{if user.role == Role::Admin { "Administrator" } else { "User" }}</dd>
            </dl>
        </div>
        <ProfileForm rename current=user.display_name />
        <ProviderCard />
        <SessionsCard />
        <crate::notifications::NotificationSettingsCard />
        <ChangePasswordForm />
        <div class="mt-6">
            <FormAlert message=form_error(logout) />
            <ActionForm action=logout>
                <button class="btn btn-secondary" type="submit" disabled=move || logout.pending().get()>
                    "Sign out"
                </button>
            </ActionForm>
        </div>
    }
}

/// Changing the name others see.
#[component]
fn ProfileForm(rename: ServerAction<UpdateProfile>, current: String) -> impl IntoView {
    let saved = move || matches!(rename.value().get(), Some(Ok(_)));
    view! {
        <div class="card mt-6">
            <h2 class="title-3">"Profile"</h2>
            <div class="mt-5">
                <FormAlert message=form_error(rename) />
                <ActionForm action=rename>
                    <div class="flex flex-wrap items-end gap-3">
                        <div class="min-w-64 flex-1">
                            <TextField
                                name="display_name"
                                label="Display name"
                                autocomplete="name"
                                value=current
                                error=field_error(rename, "display_name")
                            />
                        </div>
                        <button class="btn btn-primary mb-7" type="submit" disabled=move || rename.pending().get()>
                            {move || if rename.pending().get() { "Saving..." } else { "Save" }}
                        </button>
                    </div>
                </ActionForm>
                <p class="text-sm text-accent" role="status" data-testid="profile-saved">
                    {move || saved().then_some("Saved.")}
                </p>
            </div>
        </div>
    }
}

/// Single sign-on: the provider identities linked to this account, and linking one. A
/// provider identity reaches an existing account only this way, by its signed-in owner.
#[component]
fn ProviderCard() -> impl IntoView {
    let links = Resource::new_blocking(|| (), |()| linked_identities());
    let query = leptos_router::hooks::use_query_map();
    let status = move || {
        let query = query.read();
        if query.get("linked").is_some() {
            return Some((false, "Linked. You can now sign in with it.".to_owned()));
        }
        query
            .get("link_error")
            .and_then(|code| ProviderSignInError::parse(&code))
            .map(|error| (true, error.message().to_owned()))
    };
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match links.await {
                    Ok(ProviderLinks { provider: Some(name), linked }) => Either::Left(view! {
                        <div class="card mt-6" role="region" aria-labelledby="provider-title">
                            <h2 id="provider-title" class="title-3">"Single sign-on"</h2>
                            {status().map(|(failed, message)| if failed {
                                Either::Left(view! { <p class="alert mt-3" role="alert" data-testid="link-error">{message}</p> })
                            } else {
                                Either::Right(view! { <p class="mt-3 text-sm text-accent" role="status" data-testid="link-status">{message}</p> })
                            })}
                            <ProviderIdentities name linked />
                        </div>
                    }),
                    _ => Either::Right(()),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ProviderIdentities(
    name: String,
    linked: Vec<crate::auth::model::LinkedIdentity>,
) -> impl IntoView {
    if linked.is_empty() {
        return Either::Left(view! {
            <p class="mt-1 text-sm text-muted">
                {format!("Link your {name} account to sign in with it. You will be asked to sign in there.")}
            </p>
            <form method="post" action=PROVIDER_LINK_PATH class="mt-4">
                <button class="btn btn-secondary" type="submit" data-testid="link-provider">
                    {format!("Link {name}")}
                </button>
            </form>
        });
    }
    Either::Right(view! {
        <ul class="mt-4 divide-y divide-line" data-testid="linked-identities">
            {linked.into_iter().map(|identity| view! {
                <li class="py-3">
                    <span class="font-medium">{name.clone()}</span>
                    " · "
                    {identity.email.unwrap_or_else(|| "no email shared".to_owned())}
                    " · linked "
                    <time datetime=iso(identity.linked_at)>{format_utc(identity.linked_at)}</time>
                </li>
            }).collect_view()}
        </ul>
    })
}

/// Every session of the user: device, address, times; end one or all the others.
#[component]
fn SessionsCard() -> impl IntoView {
    let end_one = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let listed = Resource::new(
        move || (end_one.version().get(), end_others.version().get()),
        |_| sessions(),
    );
    let ended_others = move || match end_others.value().get() {
        Some(Ok(0)) => Some("There were no other sessions.".to_owned()),
        Some(Ok(1)) => Some("Signed out 1 other session.".to_owned()),
        Some(Ok(n)) => Some(format!("Signed out {n} other sessions.")),
        _ => None,
    };
    view! {
        <div class="card mt-6" role="region" aria-labelledby="sessions-title">
            <div class="flex flex-wrap items-start justify-between gap-4">
                <div>
                    <h2 id="sessions-title" class="title-3">"Where you are signed in"</h2>
                    <p class="mt-1 text-sm text-muted">
                        "Sessions end after two hours without use and a day after sign-in. End any you do not recognise."
                    </p>
                </div>
                <ActionForm action=end_others>
                    <button class="btn btn-secondary btn-sm" type="submit" data-testid="end-other-sessions" disabled=move || end_others.pending().get()>
                        {move || if end_others.pending().get() { "Signing out..." } else { "Sign out other sessions" }}
                    </button>
                </ActionForm>
            </div>
            <FormAlert message=form_error(end_others) />
            <FormAlert message=form_error(end_one) />
            <p class="mt-3 text-sm text-accent" role="status" data-testid="sessions-status">
                {ended_others}
            </p>
            <Transition fallback=|| view! { <p class="mt-4 text-muted" role="status">"Loading your sessions..."</p> }>
                {move || Suspend::new(async move {
                    match listed.await {
                        Ok(list) => Either::Left(view! {
                            <ul class="mt-4 divide-y divide-line" data-testid="session-list">
                                {list.into_iter().map(|session| view! { <SessionRow session end_one /> }).collect_view()}
                            </ul>
                        }),
                        Err(err) => Either::Right(view! { <p class="alert mt-4" role="alert">{err.to_string()}</p> }),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn SessionRow(session: SessionInfo, end_one: ServerAction<EndSession>) -> impl IntoView {
    let label = format!("Sign out {}", session.device);
    view! {
        <li class="flex flex-wrap items-center justify-between gap-3 py-4" data-testid="session">
            <div class="min-w-0">
                <p class="font-medium">
                    <span title=session.user_agent.clone().unwrap_or_default()>{session.device.clone()}</span>
                    {session.current.then(|| view! { <span class="badge ml-2" data-testid="current-session">"This device"</span> })}
                </p>
                <p class="mt-1 text-sm text-muted">
                    {session.ip.clone().unwrap_or_else(|| "Unknown address".to_owned())}
                    " · signed in "
                    <time datetime=iso(session.created_at)>{format_utc(session.created_at)}</time>
                    " · last active "
                    <time datetime=iso(session.last_seen_at)>{format_utc(session.last_seen_at)}</time>
                </p>
            </div>
            {(!session.current).then(|| view! {
                <ActionForm action=end_one>
                    <input type="hidden" name="id" value=session.id.clone() />
                    <button class="btn btn-secondary btn-sm" type="submit" aria-label=label.clone()>
                        "Sign out"
                    </button>
                </ActionForm>
            })}
        </li>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <div class="card mt-6">
            <h2 class="title-3">"Change password"</h2>
            <p class="mt-1 text-sm text-muted">"Your session gets a new id, and every other session of yours is signed out."</p>
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

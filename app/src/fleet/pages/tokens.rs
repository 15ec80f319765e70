//! `/fleet/tokens`: enrollment tokens — create one (how many agents, how long), see its
//! secret once with the exact command that onboards an agent to this server, list them
//! with uses left and expiry, revoke one.

use app_model::live::ChangeKind;
use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::ui::live::use_live;
use leptos_meta::Title;

use crate::auth::require::RequireUser;
use crate::beta::forms::{FormAlert, field_error, form_error};
use crate::beta::frame::{AppFrame, Breadcrumbs};
use crate::fleet::api::{CreateEnrollmentToken, RevokeEnrollmentToken, list_enrollment_tokens};
use crate::fleet::model::{CreatedToken, EnrollmentToken, TokenState};
use crate::site::{Site, use_site_urls};
use crate::ui::clock::Ago;
use crate::ui::{Icon, IconKind, TextField};

#[component]
pub fn TokensPage() -> impl IntoView {
    view! {
        <Title text="Enrollment tokens" />
        <RequireUser children=|_| view! { <AppFrame><Tokens /></AppFrame> } />
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let create = ServerAction::<CreateEnrollmentToken>::new();
    let revoke = ServerAction::<RevokeEnrollmentToken>::new();
    // An agent registering spends a use: the list follows.
    let live = use_live(&[ChangeKind::Token]);
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get(), live.get()),
        |_| list_enrollment_tokens(),
    );
    let created = move || match create.value().get() {
        Some(Ok(created)) => Some(created),
        _ => None,
    };
    view! {
        <Breadcrumbs trail=vec![
            ("Fleet".to_owned(), "/fleet".to_owned()),
            ("Enrollment tokens".to_owned(), "/fleet/tokens".to_owned()),
        ] />
        <h1 class="display-2 mt-3">"Enrollment tokens"</h1>
        <p class="mt-2 max-w-2xl text-muted">
            "A token lets agents join your fleet. Each onboarding spends one use; the agent then has a credential of its own, and the token can expire without affecting it."
        </p>
        {move || created().map(|created| view! { <NewSecret created /> })}
        <section id="new-token" class="card mt-6" aria-labelledby="create-title">
            <h2 id="create-title" class="title-3">"Create a token"</h2>
            <div class="mt-4">
                <FormAlert message=form_error(create) />
                <ActionForm action=create>
                    <div class="grid gap-4 md:grid-cols-[2fr_1fr_1fr_auto] md:items-start">
                        <TextField name="label" label="Label (optional)" autocomplete="off" optional=true error=field_error(create, "label") />
                        <TextField name="max_uses" label="Agents it may add" input_type="number" value="1" error=field_error(create, "max_uses") />
                        <div class="field">
                            <label class="label" for="expires_in_minutes">"Valid for"</label>
                            <select class="select" id="expires_in_minutes" name="expires_in_minutes">
                                <option value="15">"15 minutes"</option>
                                <option value="60" selected>"1 hour"</option>
                                <option value="1440">"1 day"</option>
                                <option value="10080">"7 days"</option>
                            </select>
                            <p class="field-error" role="status">{move || field_error(create, "expires_in").get()}</p>
                        </div>
                        <button class="btn btn-primary md:mt-7" type="submit" disabled=move || create.pending().get()>
                            {move || if create.pending().get() { "Creating..." } else { "Create token" }}
                        </button>
                    </div>
                </ActionForm>
            </div>
        </section>
        <section class="mt-8" aria-labelledby="tokens-title">
            <h2 id="tokens-title" class="title-3">"Your tokens"</h2>
            <FormAlert message=form_error(revoke) />
            <Transition fallback=|| view! { <p class="mt-4 text-muted" role="status">"Loading tokens..."</p> }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(tokens) if tokens.is_empty() => EitherOf3::A(view! {
                            <p class="empty-state mt-4" data-testid="tokens-empty">"No tokens yet. Create one above to add an agent."</p>
                        }),
                        Ok(tokens) => EitherOf3::B(view! { <TokenTable tokens revoke /> }),
                        Err(err) => EitherOf3::C(view! { <p class="alert mt-4" role="alert">{err.to_string()}</p> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The secret of a token just created, with the commands that use it. Shown once: the
/// server keeps only its hash.
#[component]
fn NewSecret(created: CreatedToken) -> impl IntoView {
    let server = use_site_urls().origin(Site::Landing);
    let install = "cargo build --release -p edge-agent\nsudo install -m 0755 target/release/edge-agent /usr/local/bin/edge-agent".to_owned();
    let onboard = format!(
        "edge-agent onboard --server {server} --token {}\nedge-agent run",
        created.token
    );
    view! {
        <section class="card mt-6 border-brand" role="region" aria-labelledby="secret-title" data-testid="token-secret">
            <h2 id="secret-title" class="title-3">"Your new token"</h2>
            <p class="mt-2 text-muted">
                {format!(
                    "Copy it now: it is shown only this once. It adds up to {} agent{} and expires ",
                    created.details.max_uses,
                    if created.details.max_uses == 1 { "" } else { "s" },
                )}
                <Ago at=created.details.expires_at />"."
            </p>
            <CopyBlock label="Token" text=created.token.clone() testid="token-value" />
            <p class="mt-4 font-semibold">"1. Install the agent on the machine"</p>
            <CopyBlock label="Install commands" text=install testid="install-command" />
            <p class="mt-4 font-semibold">"2. Onboard it to this server and start it"</p>
            <CopyBlock label="Onboard command" text=onboard testid="onboard-command" />
            <p class="mt-3 text-sm text-muted">"It appears on the Fleet page within seconds of starting."</p>
        </section>
    }
}

/// Text to copy, with a button that copies it.
#[component]
fn CopyBlock(label: &'static str, text: String, testid: &'static str) -> impl IntoView {
    let (copied, set_copied) = signal(false);
    let value = text.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        set_copied.set(crate::ui::enhance::write_clipboard(&value));
        #[cfg(not(feature = "hydrate"))]
        let _ = (&value, set_copied);
    };
    view! {
        <div class="mt-2 flex items-start gap-2">
            <code class="secret flex-1" data-testid=testid aria-label=label>{text}</code>
            <button class="btn btn-secondary btn-sm shrink-0" type="button" on:click=copy aria-label=format!("Copy: {}", label.to_lowercase())>
                <Icon kind=IconKind::Copy class="size-4" />
                {move || if copied.get() { "Copied" } else { "Copy" }}
            </button>
        </div>
    }
}

#[component]
fn TokenTable(
    tokens: Vec<EnrollmentToken>,
    revoke: ServerAction<RevokeEnrollmentToken>,
) -> impl IntoView {
    view! {
        <div class="table-wrap mt-4" role="region" aria-label="Enrollment tokens" tabindex="0">
            <table class="data-table" data-testid="tokens-table">
                <caption class="sr-only">"Enrollment tokens"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Token"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Uses left"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {tokens.into_iter().map(|token| {
                        let class = match token.state {
                            TokenState::Active => "badge-ok",
                            TokenState::Revoked => "badge-danger",
                            TokenState::Expired | TokenState::UsedUp => "badge-muted",
                        };
                        let name = if token.label.is_empty() { format!("Token {}", &token.id) } else { token.label.clone() };
                        let revocable = token.state == TokenState::Active;
                        let id = token.id.clone();
                        let revoke_label = format!("Revoke {name}");
                        view! {
                            <tr data-testid="token-row">
                                <td>
                                    <p class="font-medium">{name}</p>
                                    <p class="font-mono text-xs text-muted">{format!("etr_live_{}_…", token.id)}</p>
                                </td>
                                <td><span class=class>{token.state.label()}</span></td>
                                <td class="tabular-nums">{format!("{} of {}", (token.max_uses - token.uses).max(0), token.max_uses)}</td>
                                <td><Ago at=token.expires_at /></td>
                                <td><Ago at=token.created_at /></td>
                                <td>
                                    {revocable.then(|| view! {
                                        <ActionForm action=revoke>
                                            <input type="hidden" name="id" value=id />
                                            <button class="btn btn-danger btn-sm" type="submit" aria-label=revoke_label>"Revoke"</button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

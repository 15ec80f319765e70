//! `/` on the admin host: the instance at a glance.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::api::admin_overview;
use crate::auth::require::{Audience, RequireUser};
use crate::site::{Site, use_site_urls};
use crate::ui::{Icon, IconKind};

#[component]
pub fn OverviewPage() -> impl IntoView {
    view! {
        <Title text="Overview" />
        <Meta name="robots" content="noindex" />
        <section class="container-wide py-12" aria-labelledby="admin-title">
            <p class="eyebrow">"Administration"</p>
            <h1 id="admin-title" class="display-2 mt-2">
                "Run this LuckyPlans instance"
            </h1>
            <RequireUser audience=Audience::Administrators children=|_| view! { <Figures /> } />
        </section>
    }
}

#[component]
fn Figures() -> impl IntoView {
    let overview = Resource::new(|| (), |()| admin_overview());
    let docs = use_site_urls().url(Site::Docs, "/operations");
    view! {
        <Transition fallback=|| view! { <p class="mt-8 text-muted" role="status">"Counting..."</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(figures) => Either::Left(view! {
                        <dl class="mt-8 grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="admin-figures">
                            <Figure label="Accounts" value=figures.users />
                            <Figure label="Administrators" value=figures.admins />
                            <Figure label="Disabled accounts" value=figures.disabled />
                            <Figure label="Signed-in sessions" value=figures.signed_in_sessions />
                            <Figure label="Sign-ins, last 24 hours" value=figures.sign_ins_last_day />
                            <Figure label="Failed sign-ins, last 24 hours" value=figures.failed_sign_ins_last_day />
                        </dl>
                    }),
                    Err(err) => Either::Right(view! { <p class="alert mt-8" role="alert">{err.to_string()}</p> }),
                }
            })}
        </Transition>
        <div class="mt-8 grid gap-6 md:grid-cols-2">
            <a class="card block hover:border-brand" href="/users">
                <span class="icon-tile"><Icon kind=IconKind::User /></span>
                <h2 class="title-3 mt-4">"Users"</h2>
                <p class="mt-2 text-muted">"Search accounts, change roles, disable an account or end its sessions."</p>
            </a>
            <a class="card block hover:border-brand" href="/audit">
                <span class="icon-tile"><Icon kind=IconKind::Shield /></span>
                <h2 class="title-3 mt-4">"Audit log"</h2>
                <p class="mt-2 text-muted">"Every sign-in, failure, lockout and administrative change, filtered by user, action and day."</p>
            </a>
        </div>
        <p class="mt-8 text-sm text-muted">
            "Health: every replica answers " <code>"/health"</code> " and " <code>"/ready"</code> ". "
            <a class="link" href=docs>"Read the operations guide"</a>
        </p>
    }
}

#[component]
fn Figure(label: &'static str, value: u64) -> impl IntoView {
    view! {
        <div class="stat">
            <dt class="stat-label">{label}</dt>
            <dd class="stat-value">{value}</dd>
        </div>
    }
}

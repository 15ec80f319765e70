//! The beta home: for a signed-in user, their dashboard (agents online, backtests running
//! with live progress, the latest results); for a stranger, what the app does and where
//! each part lives.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use super::dashboard::Dashboard;
use super::frame::AppFrame;
use crate::auth::api::me;
use crate::site::{Site, use_site_urls};
use crate::ui::{Icon, IconKind};

struct Area {
    icon: IconKind,
    title: &'static str,
    text: &'static str,
    href: &'static str,
}

const AREAS: [Area; 3] = [
    Area {
        icon: IconKind::Server,
        title: "Fleet",
        text: "Your own edge agents, enrolled with a one-time token. See which are online, what they run and why one went quiet.",
        href: "/fleet",
    },
    Area {
        icon: IconKind::Database,
        title: "Datasets",
        text: "Upload the candle files you have — pandas, yfinance, spreadsheets, exchange klines — and check how they were read before saving.",
        href: "/datasets",
    },
    Area {
        icon: IconKind::Chart,
        title: "Backtests",
        text: "Pick a strategy and a parameter grid and let your agents run it. Results ranked by any metric, with equity curves, drawdowns and a heatmap of the grid.",
        href: "/backtests",
    },
];

#[component]
pub fn HomePage() -> impl IntoView {
    let user = Resource::new_blocking(|| (), |()| me());
    view! {
        <Title text="Overview" />
        <Meta
            name="description"
            content="LuckyPlans beta: your own fleet of edge agents, your datasets, and strategy backtests with ranked results."
        />
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => Either::Left(view! { <AppFrame><Dashboard user /></AppFrame> }),
                    _ => Either::Right(view! { <Welcome /> }),
                }
            })}
        </Suspense>
    }
}

/// What the app does, for someone not signed in.
#[component]
fn Welcome() -> impl IntoView {
    let docs = use_site_urls().url(Site::Docs, "/");
    view! {
        <section class="container-wide py-16 sm:py-20" aria-labelledby="beta-title">
            <p class="eyebrow">"LuckyPlans beta"</p>
            <h1 id="beta-title" class="display-1 mt-3 max-w-3xl">
                "Your strategies, tested on your machines"
            </h1>
            <p class="lead mt-5 max-w-2xl">
                "Enrol your own machines as edge agents, upload the candles you have, and sweep a strategy's parameters across them. Every config comes back ranked, with its equity curve, drawdowns and trades."
            </p>
            <div class="mt-8 flex flex-wrap gap-3">
                <a class="btn btn-primary" href=docs.clone()>
                    "Read the guide"
                    <Icon kind=IconKind::ArrowRight class="size-4" />
                </a>
            </div>
        </section>
        <section class="container-wide pb-20" aria-label="Areas of the app">
            <ul class="grid gap-6 md:grid-cols-3">
                {AREAS
                    .iter()
                    .map(|area| {
                        view! {
                            <li class="card relative transition hover:border-brand">
                                <span class="icon-tile">
                                    <Icon kind=area.icon />
                                </span>
                                <h2 class="title-3 mt-4">
                                    // The whole card is the link's target area; the name is its text.
                                    <a href=area.href class="after:absolute after:inset-0">{area.title}</a>
                                </h2>
                                <p class="mt-2 text-muted">{area.text}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

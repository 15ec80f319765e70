use leptos::prelude::*;
use leptos_meta::{Meta, Title};

use crate::site::{Site, use_site_urls};
use crate::ui::{Icon, IconKind};

struct Area {
    icon: IconKind,
    title: &'static str,
    text: &'static str,
}

const AREAS: [Area; 3] = [
    Area {
        icon: IconKind::User,
        title: "Portfolio",
        text: "A public profile of your work: projects, skills and experience, with a page of its own that anyone can read.",
    },
    Area {
        icon: IconKind::Server,
        title: "Fleet",
        text: "Your own edge agents, enrolled with a one-time token. See which are online, what they run and why one went quiet.",
    },
    Area {
        icon: IconKind::Chart,
        title: "Backtests",
        text: "Upload candles, pick a strategy and a parameter grid, and let your agents run it. Results ranked by return, with equity curves.",
    },
];

/// The beta home: what the product does and where each part lives.
#[component]
pub fn HomePage() -> impl IntoView {
    let docs = use_site_urls().url(Site::Docs, "/");
    view! {
        <Title text="Overview" />
        <Meta
            name="description"
            content="LuckyPlans beta: portfolio profiles, your own fleet of edge agents, and strategy backtests."
        />
        <section class="container-wide py-16 sm:py-20" aria-labelledby="beta-title">
            <p class="eyebrow">"LuckyPlans beta"</p>
            <h1 id="beta-title" class="display-1 mt-3 max-w-3xl">
                "Your strategies, tested on your machines"
            </h1>
            <p class="lead mt-5 max-w-2xl">
                "The product app brings three things together: a portfolio that shows your work, a fleet of edge agents that you run, and backtests that those agents execute."
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
                            <li class="card">
                                <span class="icon-tile">
                                    <Icon kind=area.icon />
                                </span>
                                <h2 class="title-3 mt-4">{area.title}</h2>
                                <p class="mt-2 text-muted">{area.text}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}

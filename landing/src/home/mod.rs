//! The landing home page: what LuckyPlans is, how the edge agent works, what you get.

use app::site::{Site, use_site_urls};
use app::ui::{Icon, IconKind};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

struct Step {
    number: &'static str,
    title: &'static str,
    text: &'static str,
}

const STEPS: [Step; 4] = [
    Step {
        number: "1",
        title: "Enroll an agent",
        text: "Create a one-time enrollment token in the app and start edge-agent on your own machine. It registers and keeps its credential in a private file.",
    },
    Step {
        number: "2",
        title: "Upload a dataset",
        text: "Bring your own OHLCV candles as CSV. They stay in your account's storage.",
    },
    Step {
        number: "3",
        title: "Queue a backtest",
        text: "Pick a strategy template and a parameter grid. Any of your agents leases the task, runs it and reports progress as it goes.",
    },
    Step {
        number: "4",
        title: "Compare the results",
        text: "Every parameter set ranked by return, with its metrics and an equity curve.",
    },
];

struct Feature {
    icon: IconKind,
    title: &'static str,
    text: &'static str,
}

const FEATURES: [Feature; 4] = [
    Feature {
        icon: IconKind::Server,
        title: "Your hardware, your data",
        text: "Backtests run on agents you operate. The server coordinates; it never needs your strategy code.",
    },
    Feature {
        icon: IconKind::Shield,
        title: "Secure by default",
        text: "Owner-scoped agents, hashed credentials with rotation, strict content security policy, sessions that expire.",
    },
    Feature {
        icon: IconKind::Chart,
        title: "Results you can read",
        text: "Ranked runs with return, drawdown and equity curves instead of log files.",
    },
    Feature {
        icon: IconKind::Book,
        title: "Self-host in one command",
        text: "One binary with SQLite and a local folder by default; PostgreSQL, Redis and S3 when you grow.",
    },
];

#[component]
pub fn HomePage() -> impl IntoView {
    let urls = use_site_urls();
    let app_url = urls.url(Site::Beta, "/");
    let docs_url = urls.url(Site::Docs, "/getting-started");
    view! {
        <Title text="Backtest trading strategies on your own machines" />
        <Meta
            name="description"
            content="LuckyPlans coordinates strategy backtests that run on edge agents you operate, and shows the results ranked with equity curves."
        />
        <section class="hero" aria-labelledby="hero-title">
            <div class="container-wide py-20 sm:py-28">
                <p class="eyebrow">"Strategy backtesting, self-hosted"</p>
                <h1 id="hero-title" class="display-1 mt-4 max-w-4xl">
                    "Test trading strategies on machines you control"
                </h1>
                <p class="lead mt-6 max-w-2xl">
                    "LuckyPlans hands backtests to edge agents running on your own computers, tracks every run live, and ranks the results so the best parameters stand out."
                </p>
                <div class="mt-10 flex flex-wrap gap-3">
                    <a class="btn btn-primary btn-lg" href=app_url>
                        "Open the app"
                        <Icon kind=IconKind::ArrowRight class="size-4" />
                    </a>
                    <a class="btn btn-secondary btn-lg" href=docs_url>
                        "Get started"
                    </a>
                </div>
            </div>
        </section>

        <section id="how-it-works" class="section" aria-labelledby="how-title">
            <div class="container-wide">
                <h2 id="how-title" class="display-2">
                    "How it works"
                </h2>
                <p class="lead mt-3 max-w-2xl">
                    "The server is the control plane. Your agents do the work and call home over HTTPS: no inbound ports, no shared machines."
                </p>
                <ol class="mt-10 grid gap-6 sm:grid-cols-2 lg:grid-cols-4">
                    {STEPS
                        .iter()
                        .map(|step| {
                            view! {
                                <li class="card">
                                    <span class="step-number" aria-hidden="true">
                                        {step.number}
                                    </span>
                                    <h3 class="title-3 mt-4">{step.title}</h3>
                                    <p class="mt-2 text-muted">{step.text}</p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </div>
        </section>

        <section id="features" class="section section-alt" aria-labelledby="features-title">
            <div class="container-wide">
                <h2 id="features-title" class="display-2">
                    "What you get"
                </h2>
                <ul class="mt-10 grid gap-6 md:grid-cols-2">
                    {FEATURES
                        .iter()
                        .map(|feature| {
                            view! {
                                <li class="card flex gap-4">
                                    <span class="icon-tile">
                                        <Icon kind=feature.icon />
                                    </span>
                                    <div>
                                        <h3 class="title-3">{feature.title}</h3>
                                        <p class="mt-2 text-muted">{feature.text}</p>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        </section>
    }
}

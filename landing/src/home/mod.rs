//! The landing home page: what LuckyPlans is, who it is for, how the edge agent works,
//! what you get, and how to start.

mod content;
mod flow;

use app::site::{Site, use_site_urls};
use app::ui::{Icon, IconKind, SeoMeta};
use leptos::prelude::*;

use content::{AUDIENCES, FEATURES, STEPS};

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <SeoMeta
            site=Site::Landing
            path="/"
            title="Backtest trading strategies on your own machines"
            description="LuckyPlans hands strategy backtests to edge agents you run on your own computers, tracks every run live, and ranks the results with equity curves. Self-hostable, written in Rust."
        />
        <Hero />
        <Audiences />
        <HowItWorks />
        <Features />
        <GetStarted />
    }
}

/// Primary actions: register and sign in, or "Open the app" once the browser knows the
/// visitor is signed in.
#[component]
fn Actions(#[prop(optional)] large: bool) -> impl IntoView {
    let urls = use_site_urls();
    let size = if large { "btn-lg" } else { "" };
    view! {
        <div class="flex flex-wrap gap-3">
            <span data-account="signed-out" class="contents">
                <a class=format!("btn btn-primary {size}") href=urls.url(Site::Beta, "/register")>
                    "Create an account"
                    <Icon kind=IconKind::ArrowRight class="size-4" />
                </a>
                <a class=format!("btn btn-secondary {size}") href=urls.url(Site::Beta, "/login")>
                    "Sign in"
                </a>
            </span>
            <span data-account="signed-in" class="contents" hidden>
                <a class=format!("btn btn-primary {size}") href=urls.url(Site::Beta, "/")>
                    "Open the app"
                    <Icon kind=IconKind::ArrowRight class="size-4" />
                </a>
            </span>
            <a class=format!("btn btn-secondary {size}") href=urls.url(Site::Docs, "/getting-started")>
                "Read the docs"
            </a>
        </div>
    }
}

#[component]
fn Hero() -> impl IntoView {
    view! {
        <section class="hero" aria-labelledby="hero-title">
            <div class="container-wide py-16 sm:py-24">
                <p class="eyebrow">"Strategy backtesting, self-hosted"</p>
                <h1 id="hero-title" class="display-1 mt-4 max-w-4xl">
                    "Test trading strategies on machines you control"
                </h1>
                <p class="lead mt-6 max-w-2xl">
                    "LuckyPlans hands backtests to edge agents running on your own computers, tracks every run live, and ranks the results so the best parameters stand out. Your data and your CPU time stay yours."
                </p>
                <div class="mt-10">
                    <Actions large=true />
                </div>
                <p class="mt-6 text-sm text-muted">
                    "Open source (AGPL-3.0) · one binary · SQLite by default, PostgreSQL, Redis and S3 when you grow"
                </p>
            </div>
        </section>
    }
}

#[component]
fn Audiences() -> impl IntoView {
    view! {
        <section class="section" aria-labelledby="audience-title">
            <div class="container-wide">
                <h2 id="audience-title" class="display-2">
                    "Who it is for"
                </h2>
                <ul class="mt-10 grid gap-6 md:grid-cols-3">
                    {AUDIENCES
                        .iter()
                        .map(|audience| {
                            view! {
                                <li class="card">
                                    <span class="icon-tile">
                                        <Icon kind=audience.icon />
                                    </span>
                                    <h3 class="title-3 mt-4">{audience.title}</h3>
                                    <p class="mt-2 text-muted">{audience.text}</p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </div>
        </section>
    }
}

#[component]
fn HowItWorks() -> impl IntoView {
    view! {
        <section id="how-it-works" class="section section-alt" aria-labelledby="how-title">
            <div class="container-wide">
                <h2 id="how-title" class="display-2">
                    "How it works"
                </h2>
                <p class="lead mt-3 max-w-2xl">
                    "The server is the control plane. Your agents do the work and call home over HTTPS: no inbound ports, no shared machines."
                </p>
                <flow::FlowDiagram />
                <ol class="mt-12 grid gap-6 sm:grid-cols-2 lg:grid-cols-4">
                    {STEPS
                        .iter()
                        .enumerate()
                        .map(|(index, step)| {
                            view! {
                                <li class="card">
                                    <span class="step-number" aria-hidden="true">
                                        {index + 1}
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
    }
}

#[component]
fn Features() -> impl IntoView {
    view! {
        <section id="features" class="section" aria-labelledby="features-title">
            <div class="container-wide">
                <h2 id="features-title" class="display-2">
                    "What you get"
                </h2>
                <ul class="mt-10 grid gap-6 md:grid-cols-2 lg:grid-cols-3">
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

#[component]
fn GetStarted() -> impl IntoView {
    let urls = use_site_urls();
    view! {
        <section class="section section-alt" aria-labelledby="start-title">
            <div class="container-wide grid gap-10 lg:grid-cols-2 lg:items-center">
                <div>
                    <h2 id="start-title" class="display-2">
                        "Run it yourself in two commands"
                    </h2>
                    <p class="lead mt-3">
                        "On a Debian machine with Rust and Node.js, the first command installs what is missing and starts every site on SQLite and a local folder. The second runs the whole test suite."
                    </p>
                    <div class="mt-8">
                        <Actions />
                    </div>
                    <p class="mt-6 text-sm">
                        <a class="link" href=urls.url(Site::Docs, "/blog")>
                            "Read the blog"
                        </a>
                        " for release notes and what we measured."
                    </p>
                </div>
                <div class="terminal">
                    <p class="terminal-bar" aria-hidden="true">
                        <span></span>
                        <span></span>
                        <span></span>
                    </p>
                    // Scrolls sideways on a phone: keyboard users must be able to reach it.
                    <pre class="terminal-body" tabindex="0" role="region" aria-label="The two commands"><code>
                        <span class="terminal-comment">"# set up everything and run on the embedded defaults"</span>
                        "\nscripts/dev\n\n"
                        <span class="terminal-comment">"# run the whole test suite, as CI does"</span>
                        "\nscripts/test"
                    </code></pre>
                </div>
            </div>
        </section>
    }
}

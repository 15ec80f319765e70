//! The public landing site on the apex domain.

mod home;

use app::auth::AccountNav;
use app::site::{Site, use_site_urls};
use app::ui::{Document, NavLink, NotFound, SiteFooter, SiteHeader};
use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

/// The server-rendered document for the landing host.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <Document options site=Site::Landing>
            <LandingApp />
        </Document>
    }
}

/// The landing site's root component, hydrated in the browser.
#[component]
pub fn LandingApp() -> impl IntoView {
    provide_meta_context();
    let urls = use_site_urls();
    let links = vec![
        NavLink::new("How it works", "/#how-it-works"),
        NavLink::new("Features", "/#features"),
        NavLink::new("Docs", urls.url(Site::Docs, "/")),
    ];
    view! {
        <Title formatter=|title: String| format!("{title} · LuckyPlans") />
        <Router>
            <SiteHeader site=Site::Landing links>
                <AccountNav />
            </SiteHeader>
            <main id="main" tabindex="-1" class="flex-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=home::HomePage ssr=SsrMode::Async />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

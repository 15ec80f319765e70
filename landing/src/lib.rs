//! The public landing site on the apex domain.
//!
//! Rendered on the server and served from the page cache; the browser bundle only adds
//! the theme switch and the account corner (see `frontend`).

mod home;

use app::site::{Site, use_site_urls};
use app::ui::{AccountCorner, Document, NavLink, NotFound, SiteFooter, SiteHeader};
use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
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

/// The landing site's root component.
#[component]
pub fn LandingApp() -> impl IntoView {
    provide_meta_context();
    let urls = use_site_urls();
    let links = vec![
        NavLink::new("How it works", "/#how-it-works"),
        NavLink::new("Features", "/#features"),
        NavLink::new("Docs", urls.url(Site::Docs, "/")),
        NavLink::new("Blog", urls.url(Site::Docs, "/blog")),
        NavLink::new("People", urls.url(Site::Beta, "/people")),
    ];
    view! {
        <Title formatter=|title: String| format!("{title} · LuckyPlans") />
        <Router>
            <SiteHeader site=Site::Landing links>
                <AccountCorner />
            </SiteHeader>
            <main id="main" tabindex="-1" class="flex-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=home::HomePage />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

//! The documentation site on the docs host.

mod content;
mod pages;

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

pub use content::{RenderedDoc, doc_page};

/// The server-rendered document for the docs host.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <Document options site=Site::Docs>
            <DocsApp />
        </Document>
    }
}

/// The docs site's root component, hydrated in the browser.
#[component]
pub fn DocsApp() -> impl IntoView {
    provide_meta_context();
    let urls = use_site_urls();
    let links = vec![
        NavLink::new("Getting started", "/getting-started"),
        NavLink::new("Configuration", "/configuration"),
        NavLink::new("Accounts", "/accounts"),
        NavLink::new("Operations", "/operations"),
        NavLink::new("Home", urls.url(Site::Landing, "/")),
    ];
    view! {
        <Title formatter=|title: String| format!("{title} · LuckyPlans Docs") />
        <Router>
            <SiteHeader site=Site::Docs links>
                <AccountNav />
            </SiteHeader>
            <main id="main" tabindex="-1" class="flex-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=pages::DocRoute ssr=SsrMode::Async />
                    <Route path=path!("/:slug") view=pages::DocRoute ssr=SsrMode::Async />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

//! The product app served on the beta host.

mod home;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::site::{Site, use_site_urls};
use crate::ui::{Document, NavLink, NotFound, SiteFooter, SiteHeader};

/// The server-rendered document for the beta host.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <Document options site=Site::Beta>
            <App />
        </Document>
    }
}

/// The product app's root component, hydrated in the browser.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let urls = use_site_urls();
    let links = vec![
        NavLink::new("Overview", "/"),
        NavLink::new("Docs", urls.url(Site::Docs, "/")),
    ];
    view! {
        <Title formatter=|title: String| format!("{title} · LuckyPlans") />
        <Router>
            <SiteHeader site=Site::Beta links />
            <main id="main" tabindex="-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=home::HomePage />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

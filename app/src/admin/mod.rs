//! The admin section of the product app, served on the admin host.
//!
//! It shares the beta build (one wasm bundle); the hydrate entry picks this root when the
//! server marked the document with `data-site="admin"`.

pub mod api;
mod audit;
mod fleet;
#[cfg(feature = "ssr")]
mod handlers;
pub mod model;
mod overview;
mod users;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::beta::login::LoginPage;
use crate::beta::nav::BetaAccountNav;
use crate::fleet::FleetScope;
use crate::site::{Site, use_site_urls};
use crate::ui::{Document, NavLink, NotFound, SiteFooter, SiteHeader};

/// The server-rendered document for the admin host.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <Document options site=Site::Admin>
            <AdminApp />
        </Document>
    }
}

/// The admin section's root component.
#[component]
pub fn AdminApp() -> impl IntoView {
    provide_meta_context();
    provide_context(FleetScope::Everyone);
    crate::ui::live::provide_live_feed();
    let urls = use_site_urls();
    let links = vec![
        NavLink::new("Overview", "/"),
        NavLink::new("Users", "/users"),
        NavLink::new("Fleet", "/fleet"),
        NavLink::new("Backtests", "/backtests"),
        NavLink::new("Audit log", "/audit"),
        NavLink::new("Product app", urls.url(Site::Beta, "/")),
    ];
    view! {
        <Title formatter=|title: String| format!("{title} · LuckyPlans Admin") />
        <Router>
            <SiteHeader site=Site::Admin links>
                <BetaAccountNav />
            </SiteHeader>
            <main id="main" tabindex="-1" class="flex-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=overview::OverviewPage ssr=SsrMode::Async />
                    <Route path=path!("/users") view=users::UsersPage ssr=SsrMode::Async />
                    <Route path=path!("/fleet") view=fleet::AdminFleetPage ssr=SsrMode::Async />
                    <Route path=path!("/fleet/:id") view=fleet::AdminAgentPage ssr=SsrMode::Async />
                    <Route path=path!("/backtests") view=fleet::AdminBacktestsPage ssr=SsrMode::Async />
                    <Route path=path!("/backtests/:id") view=fleet::AdminBacktestPage ssr=SsrMode::Async />
                    <Route path=path!("/audit") view=audit::AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

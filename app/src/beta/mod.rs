//! The product app served on the beta host.

mod account;
mod dashboard;
pub(crate) mod forms;
pub(crate) mod frame;
mod home;
pub(crate) mod login;
pub(crate) mod nav;
mod register;

use leptos::prelude::*;
use leptos_meta::{Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::backtests::{BacktestPage, BacktestsPage, NewBacktestPage};
use crate::datasets::DatasetsPage;
use crate::fleet::pages::{AgentPage, FleetPage, TokensPage};
use crate::notifications::NotificationsPage;
use crate::profiles::{PeoplePage, ProfileEditorPage, PublicProfilePage};
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
    crate::ui::live::provide_live_feed();
    let urls = use_site_urls();
    let links = vec![
        NavLink::new("Overview", "/"),
        NavLink::new("People", "/people"),
        NavLink::new("Docs", urls.url(Site::Docs, "/")),
    ];
    view! {
        <Title formatter=|title: String| format!("{title} · LuckyPlans") />
        <Router>
            <SiteHeader site=Site::Beta links>
                <nav::BetaAccountNav />
            </SiteHeader>
            <main id="main" tabindex="-1" class="flex-1">
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=home::HomePage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=login::LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/register") view=register::RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=account::AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/fleet") view=FleetPage ssr=SsrMode::Async />
                    <Route path=path!("/fleet/tokens") view=TokensPage ssr=SsrMode::Async />
                    <Route path=path!("/fleet/:id") view=AgentPage ssr=SsrMode::Async />
                    <Route path=path!("/datasets") view=DatasetsPage ssr=SsrMode::Async />
                    <Route path=path!("/backtests") view=BacktestsPage ssr=SsrMode::Async />
                    <Route path=path!("/backtests/new") view=NewBacktestPage ssr=SsrMode::Async />
                    <Route path=path!("/backtests/:id") view=BacktestPage ssr=SsrMode::Async />
                    <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async />
                    <Route path=path!("/profile") view=ProfileEditorPage ssr=SsrMode::Async />
                    <Route path=path!("/u/:handle") view=PublicProfilePage ssr=SsrMode::Async />
                    <Route path=path!("/people") view=PeoplePage ssr=SsrMode::Async />
                </Routes>
            </main>
            <SiteFooter />
        </Router>
    }
}

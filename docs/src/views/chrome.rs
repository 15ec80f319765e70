//! The docs host's header: navigation, the search box and the account corner.

use app::site::{Site, use_site_urls};
use app::ui::{AccountCorner, Icon, IconKind, NavLink, SiteHeader};
use leptos::prelude::*;

#[component]
pub fn DocsHeader() -> impl IntoView {
    let urls = use_site_urls();
    let links = vec![
        NavLink::new("Docs", "/"),
        NavLink::new("Blog", "/blog"),
        NavLink::new("API", "/reference/edge-api"),
        NavLink::new("Home", urls.url(Site::Landing, "/")),
    ];
    view! {
        <SiteHeader site=Site::Docs links tools=Box::new(|| view! { <SearchBox /> }.into_any())>
            <AccountCorner />
        </SiteHeader>
    }
}

/// A plain search form (it works without JavaScript); the browser bundle turns it into
/// the instant search dialog, also opened with `/` and Ctrl/⌘-K.
#[component]
pub fn SearchBox() -> impl IntoView {
    view! {
        <a href="/search" class="btn-icon lg:hidden" aria-label="Search docs and blog" data-search-open>
            <Icon kind=IconKind::Search />
        </a>
        <form
            action="/search"
            method="get"
            role="search"
            aria-label="Search the docs"
            class="search-box"
            data-search-form
        >
            <label for="header-search" class="sr-only">
                "Search docs and blog"
            </label>
            <Icon kind=IconKind::Search class="size-4 shrink-0 text-muted" />
            <input
                id="header-search"
                name="q"
                type="search"
                placeholder="Search"
                autocomplete="off"
                maxlength="200"
                class="search-box-input"
                data-search-input
            />
            <kbd class="search-box-key" aria-hidden="true">
                "/"
            </kbd>
        </form>
    }
}

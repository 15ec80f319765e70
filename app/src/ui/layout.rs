//! Page chrome: the header with navigation and theme switch, and the footer.

use leptos::prelude::*;

use super::{Icon, IconKind, SITE_NAME, ThemeToggle};
use crate::site::{Site, use_site_urls};

/// One navigation entry. External entries point at another site and use a full URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavLink {
    pub label: &'static str,
    pub href: String,
}

impl NavLink {
    pub fn new(label: &'static str, href: impl Into<String>) -> Self {
        Self {
            label,
            href: href.into(),
        }
    }
}

/// The header every site shows: brand, the site's navigation, a call to action and the
/// theme switch. On narrow screens the navigation folds into a disclosure menu that
/// works with or without JavaScript.
#[component]
pub fn SiteHeader(
    /// Which site this header belongs to; its section label follows the brand.
    site: Site,
    /// Navigation links, in order.
    links: Vec<NavLink>,
    /// Tools shown at every width, before the theme switch (the docs search box).
    #[prop(optional)]
    tools: Option<Children>,
    /// Extra actions shown on the right (e.g. "Open the app").
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let urls = use_site_urls();
    let section = match site {
        Site::Landing => None,
        Site::Docs => Some("Docs"),
        Site::Beta => Some("Beta"),
        Site::Admin => Some("Admin"),
    };
    let home = if site == Site::Landing {
        "/".to_owned()
    } else {
        urls.url(site, "/")
    };
    let mobile_links = links.clone();
    view! {
        <a class="skip-link" href="#main">
            "Skip to content"
        </a>
        <header class="site-header">
            <div class="container-wide flex h-16 items-center gap-6">
                // Named by its text, so what is read out starts with what is seen.
                <a href=home class="brand">
                    <span class="brand-mark" aria-hidden="true">
                        "L"
                    </span>
                    <span>{SITE_NAME}</span>
                    {section.map(|label| view! { <span class="badge">{label}</span> })}
                    <span class="sr-only">" home"</span>
                </a>
                <nav aria-label="Main" class="hidden md:block">
                    <ul class="flex items-center gap-1">
                        {links
                            .into_iter()
                            .map(|link| {
                                view! {
                                    <li>
                                        <a class="nav-link" href=link.href>
                                            {link.label}
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </nav>
                <div class="ml-auto flex items-center gap-2">
                    {tools.map(|tools| tools())}
                    <div class="hidden sm:flex items-center gap-2">{children.map(|actions| actions())}</div>
                    <ThemeToggle />
                    <details class="mobile-menu md:hidden">
                        <summary class="btn-icon" aria-label="Open menu">
                            <Icon kind=IconKind::Menu />
                        </summary>
                        <nav aria-label="Main (mobile)" class="mobile-menu-panel">
                            <ul class="flex flex-col gap-1">
                                {mobile_links
                                    .into_iter()
                                    .map(|link| {
                                        view! {
                                            <li>
                                                <a class="nav-link block" href=link.href>
                                                    {link.label}
                                                </a>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </nav>
                    </details>
                </div>
            </div>
        </header>
    }
}

/// The footer every site shows, with links across the sites.
#[component]
pub fn SiteFooter() -> impl IntoView {
    let urls = use_site_urls();
    view! {
        <footer class="site-footer">
            <div class="container-wide grid gap-8 py-10 sm:grid-cols-3">
                <div class="space-y-2">
                    <p class="font-semibold">{SITE_NAME}</p>
                    <p class="text-sm text-muted">
                        "Build and test trading strategies on your own machines."
                    </p>
                </div>
                <nav aria-label="Sites" class="text-sm">
                    <ul class="space-y-2">
                        <li>
                            <a class="link-quiet" href=urls.url(Site::Landing, "/")>
                                "Home"
                            </a>
                        </li>
                        <li>
                            <a class="link-quiet" href=urls.url(Site::Docs, "/")>
                                "Documentation"
                            </a>
                        </li>
                        <li>
                            <a class="link-quiet" href=urls.url(Site::Docs, "/blog")>
                                "Blog"
                            </a>
                        </li>
                        <li>
                            <a class="link-quiet" href=urls.url(Site::Beta, "/")>
                                "Open the app"
                            </a>
                        </li>
                    </ul>
                </nav>
                <p class="text-sm text-muted sm:text-right">"Self-hostable. Written in Rust."</p>
            </div>
        </footer>
    }
}

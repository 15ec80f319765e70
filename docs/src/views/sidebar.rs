//! The documentation sidebar (a disclosure menu on narrow screens) and the table of
//! contents of the current page.

use leptos::prelude::*;

use crate::content::{SidebarItem, library};
use crate::model::TocEntry;

#[component]
pub fn Sidebar(current: &'static str) -> impl IntoView {
    let items = library()
        .map(|library| library.sidebar.clone())
        .unwrap_or_default();
    let mobile = tree(&items, current);
    let desktop = tree(&items, current);
    view! {
        <details class="docs-menu lg:hidden">
            <summary class="docs-menu-summary">"Documentation menu"</summary>
            <nav aria-label="Documentation (menu)" class="mt-3">
                {mobile}
            </nav>
        </details>
        // Plain containers around the navigation landmarks: two unnamed `<aside>`s (this
        // and the table of contents) were two landmarks nobody could tell apart.
        <div class="docs-sidebar hidden lg:block">
            <nav aria-label="Documentation">{desktop}</nav>
        </div>
    }
}

fn tree(items: &[SidebarItem], current: &str) -> AnyView {
    view! {
        <ul class="sidebar-list">
            {items
                .iter()
                .map(|item| match item {
                    SidebarItem::Page { url, title } => {
                        let aria_current = (url == current).then_some("page");
                        view! {
                            <li>
                                <a class="sidebar-link" href=url.clone() aria-current=aria_current>
                                    {title.clone()}
                                </a>
                            </li>
                        }
                            .into_any()
                    }
                    SidebarItem::Category { label, items } => {
                        view! {
                            <li class="mt-5">
                                <p class="sidebar-category">{label.clone()}</p>
                                {tree(items, current)}
                            </li>
                        }
                            .into_any()
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

fn toc_links(entries: &[TocEntry]) -> impl IntoView + use<> {
    entries
        .iter()
        .map(|entry| {
            let class = if entry.level >= 3 {
                "toc-link toc-link-nested"
            } else {
                "toc-link"
            };
            view! {
                <li>
                    <a class=class href=format!("#{}", entry.id) data-toc-link>
                        {entry.title.clone()}
                    </a>
                </li>
            }
        })
        .collect_view()
}

/// "On this page": the page's `##` and `###` headings, in a column beside the text on
/// wide screens. The browser marks the section being read with `aria-current`.
#[component]
pub fn Toc(entries: &'static [TocEntry]) -> impl IntoView {
    (!entries.is_empty()).then(|| {
        view! {
            <div class="docs-toc hidden xl:block">
                <nav aria-label="On this page" class="toc" data-toc>
                    <p class="toc-title">"On this page"</p>
                    <ul class="mt-3 space-y-1">{toc_links(entries)}</ul>
                </nav>
            </div>
        }
    })
}

/// The same contents as a disclosure above the text, where there is no room beside it.
#[component]
pub fn TocMenu(entries: &'static [TocEntry]) -> impl IntoView {
    (!entries.is_empty()).then(|| {
        view! {
            <details class="toc-mobile xl:hidden">
                <summary class="docs-menu-summary">"On this page"</summary>
                <ul class="mt-2 space-y-1">{toc_links(entries)}</ul>
            </details>
        }
    })
}

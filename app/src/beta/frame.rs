//! The signed-in app's frame: a sidebar reaching every area (a menu on phones), and the
//! breadcrumbs at the top of each page. Every area's page renders inside it.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::ui::{Icon, IconKind};

/// One area of the app, as the sidebar lists it.
struct Area {
    label: &'static str,
    href: &'static str,
    icon: IconKind,
}

const AREAS: [Area; 6] = [
    Area {
        label: "Overview",
        href: "/",
        icon: IconKind::Home,
    },
    Area {
        label: "Fleet",
        href: "/fleet",
        icon: IconKind::Server,
    },
    Area {
        label: "Datasets",
        href: "/datasets",
        icon: IconKind::Database,
    },
    Area {
        label: "Backtests",
        href: "/backtests",
        icon: IconKind::Chart,
    },
    Area {
        label: "Profile",
        href: "/profile",
        icon: IconKind::User,
    },
    Area {
        label: "Account",
        href: "/account",
        icon: IconKind::Shield,
    },
];

/// Whether `path` is in the area at `href` (the overview only at `/` itself).
fn in_area(path: &str, href: &str) -> bool {
    if href == "/" {
        path == "/"
    } else {
        path == href || path.starts_with(&format!("{href}/"))
    }
}

fn area_links() -> impl IntoView {
    let location = use_location();
    AREAS
        .iter()
        .map(|area| {
            let href = area.href;
            let current = move || in_area(&location.pathname.get(), href).then_some("page");
            view! {
                <li>
                    <a class="app-nav-link" href=href aria-current=current>
                        <Icon kind=area.icon class="size-4" />
                        {area.label}
                    </a>
                </li>
            }
        })
        .collect_view()
}

/// The sidebar and the page beside it.
#[component]
pub fn AppFrame(children: Children) -> impl IntoView {
    let live_since = crate::ui::live::live_frame();
    let location = use_location();
    let current_label = move || {
        let path = location.pathname.get();
        AREAS
            .iter()
            .find(|area| in_area(&path, area.href))
            .map_or("Menu", |area| area.label)
    };
    view! {
        <div class="app-frame" data-live-since=live_since>
            <aside class="app-sidebar">
                <nav aria-label="App">
                    <ul class="app-nav">{area_links()}</ul>
                </nav>
            </aside>
            <details class="app-menu">
                <summary>
                    <span>{current_label}</span>
                    <Icon kind=IconKind::Menu class="size-5" />
                </summary>
                <nav aria-label="App (mobile)" class="px-2 pb-2">
                    <ul class="flex flex-col gap-1">{area_links()}</ul>
                </nav>
            </details>
            <div class="app-content">{children()}</div>
        </div>
    }
}

/// Where a page sits: links up to the area, then the page itself.
#[component]
pub fn Breadcrumbs(
    /// `(label, href)` from the area down; the last entry is the current page.
    trail: Vec<(String, String)>,
) -> impl IntoView {
    let last = trail.len().saturating_sub(1);
    view! {
        <nav aria-label="Breadcrumb">
            <ol class="breadcrumbs">
                {trail
                    .into_iter()
                    .enumerate()
                    .map(|(index, (label, href))| {
                        let separator = (index > 0).then(|| view! { <span aria-hidden="true">"/"</span> });
                        let item = if index == last {
                            view! { <span aria-current="page" class="text-fg">{label}</span> }.into_any()
                        } else {
                            view! { <a href=href>{label}</a> }.into_any()
                        };
                        view! { <li class="flex items-center gap-2">{separator}{item}</li> }
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::in_area;

    #[test]
    fn an_area_holds_its_pages_and_the_overview_only_itself() {
        assert!(in_area("/", "/"));
        assert!(!in_area("/fleet", "/"));
        assert!(in_area("/fleet", "/fleet"));
        assert!(in_area("/fleet/abc", "/fleet"));
        assert!(!in_area("/fleetwide", "/fleet"));
    }
}

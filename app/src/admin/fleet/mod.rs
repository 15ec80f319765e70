//! The admin host's fleet section: every user's agents (`/fleet`) and backtests
//! (`/backtests`), searchable and filtered, each row naming its owner; and the same
//! detail pages and actions as the beta host (`/fleet/:id`, `/backtests/:id`). Every
//! action an administrator takes there is audited with the administrator as actor and
//! the owner as subject (see `fleet::handlers`).

mod agents;
mod backtests;

pub use agents::{AdminAgentPage, AdminFleetPage};
pub use backtests::{AdminBacktestPage, AdminBacktestsPage};

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use crate::ui::paging::query_string;

/// The admin fleet pages' frame: the page width, and the live stream that keeps them
/// current (the admin host's stream carries every user's changes).
#[component]
fn AdminFrame(children: Children) -> impl IntoView {
    let live_since = crate::ui::live::live_frame();
    view! {
        <div class="container-wide py-12" data-live-since=live_since>{children()}</div>
    }
}

/// What a list page reads from its query string: the search, one filter, and the page.
#[derive(Clone, Copy)]
struct ListQuery {
    search: Memo<String>,
    filter: Memo<String>,
    page: Memo<u32>,
}

impl ListQuery {
    /// Reads `q`, `filter_key` and `page`.
    fn read(filter_key: &'static str) -> Self {
        let query = use_query_map();
        Self {
            search: Memo::new(move |_| query.read().get("q").unwrap_or_default()),
            filter: Memo::new(move |_| query.read().get(filter_key).unwrap_or_default()),
            page: Memo::new(move |_| {
                query
                    .read()
                    .get("page")
                    .and_then(|page| page.parse::<u32>().ok())
                    .unwrap_or(1)
                    .max(1)
            }),
        }
    }
}

/// The search box of a list page; the filter in force is kept.
#[component]
fn SearchForm(
    query: ListQuery,
    filter_key: &'static str,
    label: &'static str,
    id: &'static str,
) -> impl IntoView {
    view! {
        <Form method="GET" action="" attr:class="mt-6 flex flex-wrap items-end gap-3" attr:role="search">
            <div class="field min-w-64 flex-1">
                <label class="label" for=id>{label}</label>
                <input class="input" id=id type="search" name="q" prop:value=move || query.search.get() autocomplete="off" />
            </div>
            <input type="hidden" name=filter_key prop:value=move || query.filter.get() />
            <button class="btn btn-primary" type="submit">"Search"</button>
        </Form>
    }
}

/// The filter tabs of a list page: "All" and one per value, each with its count, the
/// search kept.
fn filter_tabs(
    filter_key: &'static str,
    search: &str,
    current: &str,
    total: u64,
    values: Vec<(&'static str, &'static str, u64)>,
) -> impl IntoView + use<> {
    std::iter::once(("", "All", total))
        .chain(values)
        .map(|(value, label, count)| {
            let href = query_string(&[("q", search.to_owned()), (filter_key, value.to_owned())]);
            let current = (value == current).then_some("page");
            view! { <li><a class="tab-link" href=href aria-current=current>{format!("{label} ({count})")}</a></li> }
        })
        .collect_view()
}

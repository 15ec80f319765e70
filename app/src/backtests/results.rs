//! A backtest's results: the ranking (sorted by any metric and paged in the database,
//! filtered by a minimum number of trades), downloads, the configs chosen for comparison,
//! and a heatmap of the sorted metric over the parameter grid.
//!
//! Everything the page shows is in its URL (`?sort=sharpe&order=desc&min_trades=5&page=2
//! &compare=3,17`), so a view can be shared, reloaded and used without JavaScript.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

use super::compare::{Compare, GridHeatmap};
use crate::fleet::api::task_report;
use crate::fleet::model::{Task, TaskState};
use crate::ui::paging::{Pagination, query_string};
use app_model::results::{
    MAX_COMPARED, ResultMetric, ResultQuery, ResultReport, ResultRow, describe,
};

/// The configs shown per page.
const PER_PAGE: u32 = 25;

/// What the results depend on: they reload only when one of these changes, not on every
/// progress refresh of the task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResultsKey {
    pub result_count: i64,
    pub state: TaskState,
}

impl ResultsKey {
    pub const fn of(task: &Task) -> Self {
        Self {
            result_count: task.result_count,
            state: task.state,
        }
    }
}

/// The metrics the ranking shows as columns; any other can be chosen to sort by.
const COLUMNS: [ResultMetric; 9] = [
    ResultMetric::TotalReturn,
    ResultMetric::AnnualisedReturn,
    ResultMetric::Sharpe,
    ResultMetric::MaxDrawdown,
    ResultMetric::Trades,
    ResultMetric::WinRate,
    ResultMetric::Exposure,
    ResultMetric::ProfitFactor,
    ResultMetric::Expectancy,
];

/// The page's view of the results, read from its URL.
#[derive(Clone, Debug, PartialEq)]
pub struct View {
    pub sort: ResultMetric,
    pub descending: bool,
    pub min_trades: u32,
    /// From 1, as people count.
    pub page: u32,
    pub compare: Vec<u32>,
}

impl View {
    fn query(&self) -> ResultQuery {
        ResultQuery {
            sort: self.sort,
            descending: self.descending,
            min_trades: self.min_trades,
            page: self.page.saturating_sub(1),
            per_page: PER_PAGE,
        }
    }

    /// The link to this view with some parts changed.
    fn href(&self, change: impl FnOnce(&mut Self)) -> String {
        let mut next = self.clone();
        change(&mut next);
        let compare = next
            .compare
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        query_string(&[
            ("sort", next.sort.as_str().to_owned()),
            (
                "order",
                if next.descending { "desc" } else { "asc" }.to_owned(),
            ),
            (
                "min_trades",
                if next.min_trades > 0 {
                    next.min_trades.to_string()
                } else {
                    String::new()
                },
            ),
            (
                "page",
                if next.page > 1 {
                    next.page.to_string()
                } else {
                    String::new()
                },
            ),
            ("compare", compare),
        ])
    }

    /// The link that sorts by `metric`: the better end first, or the other way round
    /// when it is already sorted so.
    fn sort_href(&self, metric: ResultMetric) -> String {
        self.href(|view| {
            view.descending = if view.sort == metric {
                !view.descending
            } else {
                metric.higher_is_better()
            };
            view.sort = metric;
            view.page = 1;
        })
    }

    /// The link that adds a config to the comparison, or takes it out.
    fn toggle_href(&self, config_id: u32) -> String {
        self.href(|view| {
            if let Some(at) = view.compare.iter().position(|id| *id == config_id) {
                view.compare.remove(at);
            } else {
                if view.compare.len() >= MAX_COMPARED {
                    view.compare.remove(0);
                }
                view.compare.push(config_id);
            }
        })
    }
}

fn use_view() -> Memo<View> {
    let query = use_query_map();
    Memo::new(move |_| {
        let query = query.read();
        let sort = query
            .get("sort")
            .and_then(|name| ResultMetric::parse(&name))
            .unwrap_or_default();
        let descending = match query.get("order").as_deref() {
            Some("asc") => false,
            Some("desc") => true,
            _ => sort.higher_is_better(),
        };
        let number = |name: &str| {
            query
                .get(name)
                .and_then(|value| value.trim().parse::<u32>().ok())
        };
        let compare = query
            .get("compare")
            .unwrap_or_default()
            .split(',')
            .filter_map(|id| id.trim().parse::<u32>().ok())
            .take(MAX_COMPARED)
            .collect();
        View {
            sort,
            descending,
            min_trades: number("min_trades").unwrap_or(0),
            page: number("page").unwrap_or(1).max(1),
            compare,
        }
    })
}

#[component]
pub fn Results(id: Memo<String>, key: Memo<Option<ResultsKey>>) -> impl IntoView {
    let view_state = use_view();
    // Bumped in the browser when the task reports new results or changes state. The server
    // renders with the first value only, so the report it sends is the one the browser
    // hydrates with, whichever of the page's requests finished first.
    let reported = RwSignal::new(0_u64);
    Effect::new(move |seen: Option<Option<ResultsKey>>| {
        let now = key.get();
        if let (Some(Some(before)), Some(now)) = (seen, now)
            && now != before
        {
            reported.update(|version| *version += 1);
        }
        now.or(seen.flatten())
    });
    // One resource for the whole section: the charts and the heatmap come with the ranking,
    // so nothing is created inside a suspended view and disposed while it loads.
    let report = Resource::new(
        move || (id.get(), reported.get(), view_state.get()),
        |(id, _, view)| task_report(id, view.query(), view.compare),
    );
    view! {
        <Transition fallback=|| view! { <p class="mt-8 text-muted" role="status">"Loading results..."</p> }>
            {move || Suspend::new(async move {
                let view = view_state.get_untracked();
                let id = id.get_untracked();
                match report.await {
                    Ok(report) if report.page.stored == 0 => EitherOf3::A(view! { <NoResults finished=report.finished /> }),
                    Ok(report) => EitherOf3::B(view! { <Ranking id report view /> }),
                    // The task's own error (not found, signed out) is shown above.
                    Err(_) => EitherOf3::C(()),
                }
            })}
        </Transition>
    }
}

#[component]
fn NoResults(finished: bool) -> impl IntoView {
    let text = if finished {
        "This backtest ended without results."
    } else {
        "Results appear here as your agent reports them, ranked as they arrive."
    };
    view! {
        <section class="empty-state mt-8" data-testid="results-empty">
            <h2 class="title-3">"No results yet"</h2>
            <p class="mt-2 text-muted">{text}</p>
        </section>
    }
}

#[component]
fn Ranking(id: String, report: ResultReport, view: View) -> impl IntoView {
    let ResultReport {
        configs_total,
        page,
        compared,
        heatmap,
        buy_and_hold,
        ..
    } = report;
    let offset = (view.page.saturating_sub(1) * PER_PAGE) as usize;
    let export = |extension: &str| {
        format!(
            "/api/fleet/tasks/{}/results.{extension}?sort={}&order={}",
            id,
            view.sort.as_str(),
            if view.descending { "desc" } else { "asc" }
        )
    };
    let view_for_pages = view.clone();
    let matching = page.matching;
    let stored = page.stored;
    let result_count = i64::try_from(stored).unwrap_or(i64::MAX);
    // Nothing chosen to compare: the report holds the ranking's best config.
    let best = view.compare.is_empty();
    let rows = page
        .rows
        .into_iter()
        .enumerate()
        .map(|(index, row)| view! { <RankRow rank=offset + index + 1 row view=view.clone() /> })
        .collect_view();
    let heading_cells = COLUMNS
        .into_iter()
        .map(|metric| {
            let sorted = (metric == view.sort).then_some(if view.descending {
                "descending"
            } else {
                "ascending"
            });
            let arrow = match sorted {
                Some("descending") => " ↓",
                Some(_) => " ↑",
                None => "",
            };
            // One text node: hydration walks the server's HTML, where adjacent texts merge.
            let text = format!("{}{arrow}", metric.label());
            view! {
                <th scope="col" aria-sort=sorted class="text-right">
                    <a class="sort-link" href=view.sort_href(metric)>{text}</a>
                </th>
            }
        })
        .collect_view();
    view! {
        <section class="mt-10" aria-labelledby="results-title">
            <div class="page-head">
                <div>
                    <h2 id="results-title" class="title-2">"Results"</h2>
                    <p class="mt-1 text-sm text-muted" data-testid="results-count">
                        {format!("{stored} of {} configs reported · {matching} shown by the filter", configs_total.max(result_count))}
                    </p>
                </div>
                <div class="flex flex-wrap gap-2">
                    <a class="btn btn-secondary btn-sm" href=export("csv") download rel="external" data-testid="export-csv">"Download CSV"</a>
                    <a class="btn btn-secondary btn-sm" href=export("json") download rel="external" data-testid="export-json">"Download JSON"</a>
                </div>
            </div>
            <Form method="GET" action="" attr:class="filter-bar mt-4 lg:grid-cols-[1fr_1fr_1fr_auto]">
                <div class="field">
                    <label class="label" for="sort">"Rank by"</label>
                    <select class="select" id="sort" name="sort">
                        {ResultMetric::ALL.into_iter().map(|metric| view! {
                            <option value=metric.as_str() selected=metric == view.sort>{metric.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label class="label" for="order">"Order"</label>
                    <select class="select" id="order" name="order">
                        <option value="desc" selected=view.descending>"Largest first"</option>
                        <option value="asc" selected=!view.descending>"Smallest first"</option>
                    </select>
                </div>
                <div class="field">
                    <label class="label" for="min_trades">"At least this many trades"</label>
                    <input class="input" id="min_trades" name="min_trades" type="number" min="0" inputmode="numeric" value=view.min_trades.to_string() />
                </div>
                <button class="btn btn-primary" type="submit">"Apply"</button>
            </Form>
            <div class="table-wrap mt-4" role="region" aria-label="Ranked results" tabindex="0">
                <table class="data-table" data-testid="results-table">
                    <caption class="sr-only">{format!("Configs ranked by {}", view.sort.label())}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"#"</th>
                            <th scope="col">"Parameters"</th>
                            {heading_cells}
                            <th scope="col"><span class="sr-only">"Compare"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <Pagination
                page=view_for_pages.page
                total=matching
                per_page=PER_PAGE
                noun="configs"
                href=move |page| view_for_pages.href(|view| view.page = page)
            />
        </section>
        {(!compared.is_empty()).then(move || view! { <Compare details=compared best buy_and_hold /> })}
        <GridHeatmap heatmap metric=view.sort />
    }
}

#[component]
fn RankRow(rank: usize, row: ResultRow, view: View) -> impl IntoView {
    let comparing = view.compare.contains(&row.config_id);
    let parameters = row
        .config
        .as_ref()
        .map(describe)
        .unwrap_or_else(|| "unknown".to_owned());
    let toggle = view.toggle_href(row.config_id);
    let label = if comparing {
        format!("Stop comparing {parameters}")
    } else {
        format!("Compare {parameters}")
    };
    let cells = COLUMNS
        .into_iter()
        .map(|metric| view! { <td class="whitespace-nowrap text-right tabular-nums">{metric.format(&row.metrics)}</td> })
        .collect_view();
    view! {
        <tr data-testid="result-row" data-config=row.config_id>
            <td class="tabular-nums text-muted">{rank}</td>
            <td class="font-mono text-xs whitespace-nowrap">
                {parameters.clone()}
                {row.trades_truncated.then(|| view! { <span class="badge-warn ml-2" title="More trades than the stored list holds">"trades capped"</span> })}
            </td>
            {cells}
            <td>
                <a class=if comparing { "btn btn-primary btn-sm" } else { "btn btn-secondary btn-sm" } href=toggle aria-label=label>
                    {if comparing { "Comparing" } else { "Compare" }}
                </a>
            </td>
        </tr>
    }
}

//! Configs side by side: their equity curves overlaid, their drawdowns (underwater), every
//! metric in one table, and the trades of the first; and a heatmap of one metric over the
//! parameter grid.

use leptos::prelude::*;

use crate::ui::chart::{Heatmap, LineChart, Series, underwater};
use crate::ui::time::format_utc;
use app_model::heatmap::MetricHeatmap;
use app_model::results::{
    CurvePoint, MetricKind, ResultDetail, ResultMetric, Trade, describe, format_duration,
    format_value,
};

/// The most trades listed on the page; the download has them all.
const MAX_TRADES_SHOWN: usize = 500;

#[allow(clippy::cast_precision_loss)]
fn points(detail: &ResultDetail) -> Vec<(f64, f64)> {
    detail
        .equity_curve
        .iter()
        .map(|point| (point.time as f64, point.equity))
        .collect()
}

fn equity_label(value: f64) -> String {
    format!("{:+.1} %", (value - 1.0) * 100.0)
}

fn percent_label(value: f64) -> String {
    format!("{:.1} %", value * 100.0)
}

#[allow(clippy::cast_possible_truncation)]
fn date_label(value: f64) -> String {
    chrono::DateTime::from_timestamp(value as i64, 0)
        .map_or_else(String::new, |time| time.format("%Y-%m-%d").to_string())
}

fn name_of(detail: &ResultDetail) -> String {
    detail
        .config
        .as_ref()
        .map_or_else(|| format!("config {}", detail.config_id), describe)
}

/// Buy and hold as a dashed reference line, when the dataset has a price outline.
#[allow(clippy::cast_precision_loss)]
fn holding_line(curve: Vec<CurvePoint>) -> Option<Series> {
    (!curve.is_empty()).then(|| Series {
        label: "Buy and hold".to_owned(),
        points: curve
            .into_iter()
            .map(|point| (point.time as f64, point.equity))
            .collect(),
        reference: true,
    })
}

/// The compared configs; `best` when they are the ranking's best rather than the user's
/// choice.
#[component]
pub fn Compare(
    details: Vec<ResultDetail>,
    best: bool,
    /// Holding the dataset instead, drawn as a dashed reference line.
    buy_and_hold: Vec<CurvePoint>,
) -> impl IntoView {
    let title = if details.len() == 1 {
        format!("{}: equity", name_of(&details[0]))
    } else {
        "Equity of the compared configs".to_owned()
    };
    let equity: Vec<Series> = details
        .iter()
        .map(|detail| Series {
            label: name_of(detail),
            points: points(detail),
            reference: false,
        })
        .chain(holding_line(buy_and_hold))
        .collect();
    let drawdown: Vec<Series> = details
        .iter()
        .map(|detail| Series {
            label: name_of(detail),
            points: underwater(&points(detail)),
            reference: false,
        })
        .collect();
    let single = details.len() == 1;
    let first = details[0].clone();
    view! {
        <section class="mt-10" aria-labelledby="compare-title" data-testid="compare">
            <h2 id="compare-title" class="title-2">{if best { "Best config" } else { "Comparison" }}</h2>
            <div class="mt-4 grid gap-6 xl:grid-cols-2">
                <LineChart id="equity-chart" title series=equity format_y=equity_label format_x=date_label />
                <LineChart id="drawdown-chart" title="Drawdown (below the running peak)".to_owned() series=drawdown format_y=percent_label format_x=date_label area=single />
            </div>
            <MetricsTable details />
            <Trades detail=first />
        </section>
    }
}

#[component]
fn MetricsTable(details: Vec<ResultDetail>) -> impl IntoView {
    let heads = details
        .iter()
        .map(|detail| view! { <th scope="col" class="text-right font-mono text-xs">{name_of(detail)}</th> })
        .collect_view();
    let rows = ResultMetric::ALL
        .into_iter()
        .map(|metric| {
            let cells = details
                .iter()
                .map(|detail| view! { <td class="whitespace-nowrap text-right tabular-nums">{metric.format(&detail.metrics)}</td> })
                .collect_view();
            view! { <tr><th scope="row" class="text-left">{metric.label()}</th>{cells}</tr> }
        })
        .collect_view();
    let hold = details
        .first()
        .map(|detail| format_value(MetricKind::Percent, detail.metrics.buy_and_hold_return));
    view! {
        <div class="table-wrap mt-6" role="region" aria-label="Metrics side by side" tabindex="0">
            <table class="data-table" data-testid="metrics-table">
                <caption class="sr-only">"Every metric of the compared configs"</caption>
                <thead><tr><th scope="col">"Metric"</th>{heads}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {hold.map(|hold| view! { <p class="mt-2 text-sm text-muted">{format!("Buy and hold over the same dataset: {hold}.")}</p> })}
    }
}

#[component]
fn Trades(detail: ResultDetail) -> impl IntoView {
    let total = detail.trades.len();
    let name = name_of(&detail);
    let note = if detail.trades_truncated {
        Some(format!(
            "The run made more trades than are stored; the first {total} are kept."
        ))
    } else if total > MAX_TRADES_SHOWN {
        Some(format!("The first {MAX_TRADES_SHOWN} of {total} trades."))
    } else {
        None
    };
    let body = if detail.trades.is_empty() {
        view! { <p class="mt-3 text-muted">"This config made no trades."</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap mt-3" role="region" aria-label="Trades" tabindex="0">
                <table class="data-table" data-testid="trades-table">
                    <caption class="sr-only">{format!("Trades of {name}")}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Entry"</th>
                            <th scope="col" class="text-right">"Entry price"</th>
                            <th scope="col">"Exit"</th>
                            <th scope="col" class="text-right">"Exit price"</th>
                            <th scope="col" class="text-right">"Return"</th>
                            <th scope="col" class="text-right">"Duration"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {detail.trades.iter().take(MAX_TRADES_SHOWN).map(|trade: &Trade| {
                            let class = if trade.trade_return >= 0.0 { "text-right tabular-nums text-accent" } else { "text-right tabular-nums text-danger" };
                            view! {
                                <tr>
                                    <td class="whitespace-nowrap">{format_utc(trade.entry_time)}</td>
                                    <td class="text-right tabular-nums">{format!("{:.4}", trade.entry_price)}</td>
                                    <td class="whitespace-nowrap">{format_utc(trade.exit_time)}</td>
                                    <td class="text-right tabular-nums">{format!("{:.4}", trade.exit_price)}</td>
                                    <td class=class>{format!("{:+.2} %", trade.trade_return * 100.0)}</td>
                                    <td class="text-right">{format_duration(trade.exit_time - trade.entry_time)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <h3 class="title-3 mt-8">{format!("Trades of {}", name_of(&detail))}</h3>
        {note.map(|note| view! { <p class="mt-1 text-sm text-muted">{note}</p> })}
        {body}
    }
}

fn metric_formatter(metric: ResultMetric) -> fn(f64) -> String {
    match metric.kind() {
        MetricKind::Percent => |value| format_value(MetricKind::Percent, value),
        MetricKind::Ratio => |value| format_value(MetricKind::Ratio, value),
        MetricKind::Count => |value| format_value(MetricKind::Count, value),
        MetricKind::Duration => |value| format_value(MetricKind::Duration, value),
    }
}

/// The ranked metric over the parameter grid, when two parameters vary.
#[component]
pub fn GridHeatmap(heatmap: Option<MetricHeatmap>, metric: ResultMetric) -> impl IntoView {
    heatmap.map(|data| {
        let over = format!("{} over {} and {}", metric.label(), data.x.name, data.y.name);
        let title = if data.folded {
            format!("{over} (each cell the best of its configs)")
        } else {
            over
        };
        view! {
            <section class="mt-10" aria-labelledby="heatmap-title" data-testid="heatmap">
                <h2 id="heatmap-title" class="title-2">"Parameter grid"</h2>
                <p class="mt-1 text-sm text-muted">"The ranked metric for every pair of values; change it with “Rank by”."</p>
                <div class="mt-4"><Heatmap title data format_value=metric_formatter(metric) /></div>
            </section>
        }
    })
}

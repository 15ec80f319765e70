//! A task's results as its owner reads them back: a ranked page (sorted and filtered in
//! the database, by the metric columns the results were stored with), one config in full,
//! and every config at once for exports.
//!
//! Each read starts from `tasks::owned`, so another user's task is "not found" before any
//! result is looked at.

use std::sync::Arc;

use app_model::heatmap::MetricHeatmap;
use app_model::results::{
    MAX_COMPARED, MAX_RESULTS_PER_PAGE, ResultDetail, ResultMetric, ResultPage, ResultQuery,
    ResultReport, ResultRow,
};
use edge_protocol::api::ErrorCode;
use edge_protocol::backtest::{CurvePoint, Metrics, Trade};
use edge_protocol::dataset::PriceOutline;
use edge_protocol::strategy::StrategyConfig;

use super::error::StorageContext;
use super::rows::TaskRow;
use super::{EdgeContext, FleetError, Owner, datasets, tasks};
use crate::storage::StorageError;
use crate::storage::on_pool;

/// The most configs one export holds: every config of the largest grid a task may have.
pub const MAX_EXPORT_ROWS: i64 = 100_000;

#[derive(sqlx::FromRow)]
struct SummaryRow {
    config_id: i64,
    metrics: String,
    trades_truncated: bool,
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    metrics: String,
    equity_curve: String,
    trade_list: String,
    trades_truncated: bool,
}

/// The task's configs by id (a config's id is its place in the grid), decoded once per
/// task and then shared (see `results_cache`).
async fn configs(
    context: &EdgeContext,
    task_id: &str,
) -> Result<Arc<[StrategyConfig]>, FleetError> {
    context
        .results_cache
        .configs(task_id, async {
            let stored: Option<String> = on_pool!(&context.database, |pool| sqlx::query_scalar(
                "SELECT configs FROM tasks WHERE id = $1"
            )
            .bind(task_id)
            .fetch_optional(pool)
            .await)
            .during("loading a task's configs")?;
            // A task's configs were written by the server itself; if they cannot be read
            // the results still can, without their parameters.
            Ok(stored
                .and_then(|json| serde_json::from_str(&json).ok())
                .unwrap_or_default())
        })
        .await
}

fn config_of(configs: &[StrategyConfig], config_id: i64) -> Option<StrategyConfig> {
    usize::try_from(config_id)
        .ok()
        .and_then(|index| configs.get(index))
        .copied()
}

/// Decodes a JSON column the server wrote itself; one that does not decode is a broken
/// store, reported like any storage failure (logged, never shown).
fn decode<T: serde::de::DeserializeOwned>(
    json: &str,
    context: &'static str,
) -> Result<T, FleetError> {
    serde_json::from_str(json).map_err(|err| FleetError::Storage {
        context,
        source: StorageError::failed("database", &err.to_string()),
    })
}

fn metrics_of(json: &str) -> Result<Metrics, FleetError> {
    decode(json, "reading a stored result")
}

fn summaries(
    rows: Vec<SummaryRow>,
    configs: &[StrategyConfig],
) -> Result<Vec<ResultRow>, FleetError> {
    rows.into_iter()
        .map(|row| {
            Ok(ResultRow {
                config_id: u32::try_from(row.config_id).unwrap_or(u32::MAX),
                config: config_of(configs, row.config_id),
                metrics: metrics_of(&row.metrics)?,
                trades_truncated: row.trades_truncated,
            })
        })
        .collect()
}

/// `ORDER BY` for a metric over a task's rows: runs without a value last in either
/// direction, ties broken by config in the same direction (so one index per metric serves
/// both). The column is the metric's own name, never caller text.
fn order_by(sort: ResultMetric, descending: bool) -> String {
    let column = sort.as_str();
    let direction = direction(descending);
    format!("ORDER BY ({column} IS NULL), {column} {direction}, config_id {direction}")
}

const fn direction(descending: bool) -> &'static str {
    if descending { "DESC" } else { "ASC" }
}

/// Which runs a ranked read takes: those with a value for the metric, or those without.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Valued {
    Yes,
    No,
}

/// Part of a ranked page, read along the metric's ranking index (see the
/// `result_rank_indexes` migration): the valued runs in the metric's order, or the runs
/// without a value in config order. Each is one range of the index, so the database reads
/// the page's entries rather than sorting every result of the task.
async fn ranked(
    context: &EdgeContext,
    task: &TaskRow,
    query: &ResultQuery,
    valued: Valued,
    limit: i64,
    offset: i64,
) -> Result<Vec<SummaryRow>, FleetError> {
    let sql = ranking_sql(query.sort, query.descending, valued);
    on_pool!(&context.database, |pool| sqlx::query_as::<_, SummaryRow>(
        &sql
    )
    .bind(&task.id)
    .bind(f64::from(query.min_trades))
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await)
    .during("ranking a task's results")
}

/// The statement of a ranked read (`$1` the task, `$2` the minimum of trades, `$3` and
/// `$4` limit and offset); public so a test can check that its plan reads an index.
pub fn ranking_sql(sort: ResultMetric, descending: bool, valued: Valued) -> String {
    let column = sort.as_str();
    let direction = direction(descending);
    let (filter, order) = match valued {
        Valued::Yes => (
            format!("{column} IS NOT NULL"),
            format!("{column} {direction}, config_id {direction}"),
        ),
        Valued::No => (
            format!("{column} IS NULL"),
            format!("config_id {direction}"),
        ),
    };
    // `+trades`: the trade filter is read from the metric's index as it is walked. Written
    // plainly, SQLite would rather search the trade count's index and sort every result.
    format!(
        "SELECT config_id, metrics, trades_truncated FROM task_results \
         WHERE task_id = $1 AND {filter} AND +trades >= $2 ORDER BY {order} LIMIT $3 OFFSET $4"
    )
}

/// How many of the task's runs with at least `min_trades` trades have a value for `sort`:
/// where a ranking's valued runs end. Counted from the metric's index.
async fn valued_count(
    context: &EdgeContext,
    task: &TaskRow,
    sort: ResultMetric,
    min_trades: f64,
) -> Result<i64, FleetError> {
    let sql = format!(
        "SELECT COUNT(*) FROM task_results WHERE task_id = $1 AND {} IS NOT NULL AND trades >= $2",
        sort.as_str()
    );
    on_pool!(&context.database, |pool| sqlx::query_scalar(&sql)
        .bind(&task.id)
        .bind(min_trades)
        .fetch_one(pool)
        .await)
    .during("counting a task's ranked results")
}

/// One page of a task's results, ranked by a metric.
pub async fn page(
    context: &EdgeContext,
    owner: &Owner,
    task_id: &str,
    query: ResultQuery,
) -> Result<ResultPage, FleetError> {
    let task = tasks::owned(context, owner, task_id).await?;
    page_of(context, &task, query).await
}

async fn page_of(
    context: &EdgeContext,
    task: &TaskRow,
    query: ResultQuery,
) -> Result<ResultPage, FleetError> {
    let query = ResultQuery {
        per_page: query.per_page.clamp(1, MAX_RESULTS_PER_PAGE),
        ..query
    };
    let min_trades = f64::from(query.min_trades);
    // The task keeps its stored count; those with enough trades come from the trade
    // count's ranking index.
    let stored = task.result_count;
    let matching: i64 = if query.min_trades == 0 {
        stored
    } else {
        on_pool!(&context.database, |pool| sqlx::query_scalar(
            "SELECT COUNT(*) FROM task_results WHERE task_id = $1 AND trades >= $2"
        )
        .bind(&task.id)
        .bind(min_trades)
        .fetch_one(pool)
        .await)
        .during("counting a task's results")?
    };
    let offset = i64::from(query.page) * i64::from(query.per_page);
    let per_page = i64::from(query.per_page);
    let mut rows = ranked(context, task, &query, Valued::Yes, per_page, offset).await?;
    let missing = per_page - i64::try_from(rows.len()).unwrap_or(per_page);
    if missing > 0 {
        // Past the valued runs: the page goes on with the runs without a value.
        let valued = valued_count(context, task, query.sort, min_trades).await?;
        let into_empty = (offset - valued).max(0);
        rows.extend(ranked(context, task, &query, Valued::No, missing, into_empty).await?);
    }
    let configs = configs(context, &task.id).await?;
    Ok(ResultPage {
        query,
        matching: u64::try_from(matching).unwrap_or(0),
        stored: u64::try_from(stored).unwrap_or(0),
        rows: summaries(rows, &configs)?,
    })
}

/// Every result of a task, ranked, for an export.
pub async fn all(
    context: &EdgeContext,
    owner: &Owner,
    task_id: &str,
    sort: ResultMetric,
    descending: bool,
) -> Result<Vec<ResultRow>, FleetError> {
    let task = tasks::owned(context, owner, task_id).await?;
    let sql = format!(
        "SELECT config_id, metrics, trades_truncated FROM task_results WHERE task_id = $1 {} \
         LIMIT $2",
        order_by(sort, descending)
    );
    let rows = on_pool!(&context.database, |pool| sqlx::query_as::<_, SummaryRow>(
        &sql
    )
    .bind(&task.id)
    .bind(MAX_EXPORT_ROWS)
    .fetch_all(pool)
    .await)
    .during("exporting a task's results")?;
    let configs = configs(context, &task.id).await?;
    summaries(rows, &configs)
}

/// One config's result with its equity curve and trades.
pub async fn detail(
    context: &EdgeContext,
    owner: &Owner,
    task_id: &str,
    config_id: u32,
) -> Result<ResultDetail, FleetError> {
    let task = tasks::owned(context, owner, task_id).await?;
    let configs = configs(context, &task.id).await?;
    detail_of(context, &task, &configs, config_id).await
}

async fn detail_of(
    context: &EdgeContext,
    task: &TaskRow,
    configs: &[StrategyConfig],
    config_id: u32,
) -> Result<ResultDetail, FleetError> {
    let row = on_pool!(&context.database, |pool| sqlx::query_as::<_, DetailRow>(
        "SELECT metrics, equity_curve, trade_list, trades_truncated FROM task_results \
         WHERE task_id = $1 AND config_id = $2"
    )
    .bind(&task.id)
    .bind(i64::from(config_id))
    .fetch_optional(pool)
    .await)
    .during("loading a result")?
    .ok_or_else(|| FleetError::not_found("result"))?;
    let equity_curve: Vec<CurvePoint> = decode(&row.equity_curve, "reading a stored equity curve")?;
    let trades: Vec<Trade> = decode(&row.trade_list, "reading a stored trade list")?;
    Ok(ResultDetail {
        config_id,
        config: config_of(configs, i64::from(config_id)),
        metrics: metrics_of(&row.metrics)?,
        equity_curve,
        trades,
        trades_truncated: row.trades_truncated,
    })
}

/// One metric of every stored config, with the config's parameters: what a heatmap over
/// the grid needs, without every config's full metrics.
pub async fn metric_grid(
    context: &EdgeContext,
    owner: &Owner,
    task_id: &str,
    metric: ResultMetric,
) -> Result<Vec<(StrategyConfig, Option<f64>)>, FleetError> {
    let task = tasks::owned(context, owner, task_id).await?;
    grid_of(context, &task, metric).await
}

async fn grid_of(
    context: &EdgeContext,
    task: &TaskRow,
    metric: ResultMetric,
) -> Result<Vec<(StrategyConfig, Option<f64>)>, FleetError> {
    // The column is the metric's own name, never caller text.
    let sql = format!(
        "SELECT config_id, {} FROM task_results WHERE task_id = $1 ORDER BY config_id LIMIT $2",
        metric.as_str()
    );
    let rows: Vec<(i64, Option<f64>)> = on_pool!(&context.database, |pool| sqlx::query_as(&sql)
        .bind(&task.id)
        .bind(MAX_EXPORT_ROWS)
        .fetch_all(pool)
        .await)
    .during("reading a metric over a task's grid")?;
    let configs = configs(context, &task.id).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(config_id, value)| {
            config_of(&configs, config_id).map(|config| (config, value))
        })
        .collect())
}

/// A results page in one call: the ranked page, the compared configs in full — `compare`
/// (at most [`MAX_COMPARED`]; ids without a result are left out), or the page's best when
/// it is empty — and the ranked metric over the grid.
pub async fn report(
    context: &EdgeContext,
    owner: &Owner,
    task_id: &str,
    query: ResultQuery,
    compare: &[u32],
) -> Result<ResultReport, FleetError> {
    let task = tasks::owned(context, owner, task_id).await?;
    let sort = query.sort;
    let page = page_of(context, &task, query).await?;
    let chosen: Vec<u32> = if compare.is_empty() {
        page.rows
            .first()
            .map(|row| row.config_id)
            .into_iter()
            .collect()
    } else {
        compare.iter().copied().take(MAX_COMPARED).collect()
    };
    let configs = configs(context, &task.id).await?;
    let mut compared = Vec::with_capacity(chosen.len());
    for config_id in chosen {
        match detail_of(context, &task, &configs, config_id).await {
            Ok(found) => compared.push(found),
            Err(err) if err.code() == ErrorCode::NotFound => {}
            Err(err) => return Err(err),
        }
    }
    let heatmap = context
        .results_cache
        .heatmap(&task.id, sort, page.stored, async {
            let grid = grid_of(context, &task, sort).await?;
            Ok::<_, FleetError>(MetricHeatmap::of(&grid, sort))
        })
        .await?;
    // The dataset is the task's owner's, whom `tasks::owned` has let through.
    let buy_and_hold = datasets::stored_outline(context, &task.dataset_id)
        .await?
        .map(|outline| buy_and_hold(&outline))
        .unwrap_or_default();
    Ok(ResultReport {
        configs_total: task.configs_total,
        finished: task.state.is_finished(),
        page,
        compared,
        heatmap: Option::clone(&heatmap),
        buy_and_hold,
    })
}

/// Equity from 1.0 of buying at the first open and holding, at each outline point: the
/// backtest's own buy-and-hold return (last close over first open) at the last one.
fn buy_and_hold(outline: &PriceOutline) -> Vec<CurvePoint> {
    if outline.first_open <= 0.0 {
        return Vec::new();
    }
    outline
        .closes
        .iter()
        .map(|&(time, close)| CurvePoint {
            time,
            equity: close / outline.first_open,
        })
        .collect()
}

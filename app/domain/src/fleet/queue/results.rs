//! Results: each config's metrics and equity curve, checked before anything is stored,
//! then stored in one transaction with the lease extension so a lost lease stores nothing.
//! A batch sent again stores nothing twice: a result already stored counts as a duplicate.

use app_model::live::ChangeKind;

use crate::live::announce;
use app_model::results::ResultMetric;
use edge_protocol::api::{ConfigResult, ErrorCode, MAX_RESULTS_PER_BATCH, ResultsAccepted};
use edge_protocol::backtest::MAX_TRADES_PER_RESULT;
use uuid::Uuid;

use super::{held, held_by, lost};
use crate::fleet::error::StorageContext;
use crate::fleet::workers::AuthenticatedWorker;
use crate::fleet::{EdgeContext, FleetError, now};
use crate::storage::in_transaction;

/// The longest equity curve a result may carry.
pub const MAX_CURVE_POINTS: usize = 1_000;

fn check_result(result: &ConfigResult, total: i64) -> Result<(), FleetError> {
    let id = result.config_id;
    if i64::from(id) >= total {
        return Err(FleetError::field(
            "results",
            format!("config {id} does not exist; the task has {total} configs"),
        ));
    }
    if !result.metrics.is_finite() {
        return Err(FleetError::field(
            "results",
            format!("config {id}: every metric must be a finite number"),
        ));
    }
    if result.equity_curve.len() > MAX_CURVE_POINTS
        || result
            .equity_curve
            .iter()
            .any(|point| !point.equity.is_finite())
    {
        return Err(FleetError::field(
            "results",
            format!(
                "config {id}: the equity curve must hold at most {MAX_CURVE_POINTS} finite points"
            ),
        ));
    }
    if result.trades.len() > MAX_TRADES_PER_RESULT
        || result.trades.iter().any(|trade| {
            !(trade.entry_price.is_finite()
                && trade.exit_price.is_finite()
                && trade.trade_return.is_finite())
        })
    {
        return Err(FleetError::field(
            "results",
            format!(
                "config {id}: the trade list must hold at most {MAX_TRADES_PER_RESULT} trades with finite prices"
            ),
        ));
    }
    Ok(())
}

/// The insert of one result: its JSON as reported, and each metric in its own column so
/// results rank in the database.
fn insert_sql() -> String {
    let metrics: Vec<&str> = ResultMetric::ALL
        .iter()
        .map(|metric| metric.as_str())
        .collect();
    let first_metric = 9;
    let placeholders: Vec<String> = (first_metric..first_metric + metrics.len())
        .map(|n| format!("${n}"))
        .collect();
    format!(
        "INSERT INTO task_results (task_id, config_id, worker_id, metrics, equity_curve, created_at, \
         trade_list, trades_truncated, {}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, {}) \
         ON CONFLICT (task_id, config_id) DO NOTHING",
        metrics.join(", "),
        placeholders.join(", ")
    )
}

/// A result as it is stored.
struct Encoded<'a> {
    config_id: i64,
    metrics: String,
    curve: String,
    trades: String,
    result: &'a ConfigResult,
}

/// Stores a batch of results; a config already stored is counted as a duplicate, not
/// stored twice.
pub async fn post_results(
    context: &EdgeContext,
    caller: &AuthenticatedWorker,
    task_id: Uuid,
    results: &[ConfigResult],
) -> Result<ResultsAccepted, FleetError> {
    if results.len() > MAX_RESULTS_PER_BATCH {
        return Err(FleetError::refused(
            ErrorCode::PayloadTooLarge,
            format!("post at most {MAX_RESULTS_PER_BATCH} results per call"),
        ));
    }
    let row = held(context, caller, task_id).await?;
    for result in results {
        check_result(result, row.configs_total)?;
    }
    let encoded: Vec<Encoded<'_>> = results
        .iter()
        .map(|result| {
            Ok(Encoded {
                config_id: i64::from(result.config_id),
                metrics: serde_json::to_string(&result.metrics)?,
                curve: serde_json::to_string(&result.equity_curve)?,
                trades: serde_json::to_string(&result.trades)?,
                result,
            })
        })
        .collect::<Result<_, serde_json::Error>>()
        .map_err(|_| FleetError::field("results", "a result could not be encoded"))?;
    let now = now();
    let expires = now + context.settings.lease_secs();
    let extend = format!(
        "UPDATE tasks SET state = 'running', lease_expires_at = $3 WHERE {}",
        held_by("$4")
    );
    let insert = insert_sql();
    // The stored count grows by what this batch added; progress never goes below it, nor
    // below what a progress report already said.
    let count = "UPDATE tasks SET results_stored = results_stored + $2, configs_done = CASE \
                 WHEN results_stored + $2 > configs_done THEN results_stored + $2 \
                 ELSE configs_done END \
                 WHERE id = $1 RETURNING configs_done";
    let outcome: Option<(u64, i64)> = in_transaction!(&context.database, |tx| {
        let extended = sqlx::query(&extend)
            .bind(&row.id)
            .bind(&caller.worker.id)
            .bind(expires)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if extended == 0 {
            return Ok(None);
        }
        let mut accepted = 0;
        for stored in &encoded {
            let mut query = sqlx::query(&insert)
                .bind(&row.id)
                .bind(stored.config_id)
                .bind(&caller.worker.id)
                .bind(&stored.metrics)
                .bind(&stored.curve)
                .bind(now)
                .bind(&stored.trades)
                .bind(stored.result.trades_truncated);
            for metric in ResultMetric::ALL {
                query = query.bind(metric.value(&stored.result.metrics));
            }
            accepted += query.execute(&mut *tx).await?.rows_affected();
        }
        let done: i64 = sqlx::query_scalar(count)
            .bind(&row.id)
            .bind(i64::try_from(accepted).unwrap_or(i64::MAX))
            .fetch_one(&mut *tx)
            .await?;
        Some((accepted, done))
    })
    .during("storing results")?;
    let Some((accepted, done)) = outcome else {
        return Err(lost(context, caller, task_id).await);
    };
    if accepted > 0 {
        announce(context, &caller.worker.owner_id, ChangeKind::Task, &row.id).await;
    }
    let accepted = u32::try_from(accepted).unwrap_or(u32::MAX);
    let posted = u32::try_from(results.len()).unwrap_or(u32::MAX);
    Ok(ResultsAccepted {
        accepted,
        duplicates: posted.saturating_sub(accepted),
        configs_done: u32::try_from(done).unwrap_or(u32::MAX),
    })
}

//! The task queue as workers see it: lease, report progress, post results, finish.
//!
//! Every call after the lease is checked against it: the task must belong to the worker's
//! owner (otherwise "not found"), not have ended (otherwise "conflict"), and be leased to
//! this worker with its lease not yet expired (otherwise "forbidden"). The lease checks —
//! holder, state and `lease_expires_at` — are repeated inside each write's WHERE clause, so
//! a lease that expires or moves between the check and the write is never written through.
//!
//! Leases that end without their worker (expiry, a disabled worker) are in `leases`.

use chrono::DateTime;
use edge_protocol::api::{
    ConfigResult, DatasetRef, ErrorCode, LeaseResponse, LeasedTask, MAX_ERROR_CHARS,
    MAX_RESULTS_PER_BATCH, ResultsAccepted, TaskConfig, TaskHeartbeatResponse, TaskOutcome,
    TaskState,
};
use edge_protocol::backtest::Costs;
use edge_protocol::strategy::{StrategyConfig, StrategyName};
use uuid::Uuid;

use super::error::StorageContext;
use super::leases::count_failure;
use super::rows::TaskRow;
use super::workers::AuthenticatedWorker;
use super::{EdgeContext, FleetError, now, tasks};
use crate::storage::{Database, on_pool};

/// The longest equity curve a result may carry.
pub const MAX_CURVE_POINTS: usize = 1_000;

pub use super::leases::{expire_leases, requeue_worker_tasks};

/// The lease guard of every write after the lease: the task is `$1`, the worker `$2`, and
/// `now` names the parameter that holds the current time.
fn held_by(now: &str) -> String {
    format!(
        "id = $1 AND leased_by = $2 AND state IN ('leased', 'running') \
         AND lease_expires_at >= {now}"
    )
}

/// The task, if the calling worker holds its lease; otherwise why not.
pub async fn held(
    context: &EdgeContext,
    caller: &AuthenticatedWorker,
    task_id: Uuid,
) -> Result<TaskRow, FleetError> {
    let row = tasks::find(context, &task_id.to_string())
        .await?
        .filter(|row| row.owner_id == caller.worker.owner_id)
        .ok_or_else(|| FleetError::not_found("task"))?;
    let state = row.state();
    if state.is_finished() {
        return Err(FleetError::conflict(format!(
            "the task has ended ({})",
            state.as_str()
        )));
    }
    if row.leased_by.as_deref() != Some(caller.worker.id.as_str()) {
        return Err(FleetError::refused(
            ErrorCode::Forbidden,
            "this task is not leased to this worker; its lease expired or went to another",
        ));
    }
    // Until the background job hands it back, an expired lease still names this worker.
    if row.lease_expires_at.is_none_or(|expires| expires < now()) {
        return Err(FleetError::refused(
            ErrorCode::Forbidden,
            "the lease on this task expired; it goes back to the queue",
        ));
    }
    Ok(row)
}

/// Leases the oldest queued task this worker may run, exactly once across replicas.
pub async fn lease_next(
    context: &EdgeContext,
    caller: &AuthenticatedWorker,
) -> Result<LeaseResponse, FleetError> {
    if caller.worker.quarantined_at.is_some() {
        return Err(FleetError::refused(
            ErrorCode::WorkerQuarantined,
            "this worker failed too many tasks in a row; its owner must release it",
        ));
    }
    let now = now();
    let expires = now + context.settings.lease_secs();
    // PostgreSQL: concurrent replicas skip rows another transaction is leasing. SQLite:
    // the single UPDATE runs in SQLite's one write transaction at a time.
    let pick = match &context.database {
        Database::Postgres(_) => {
            "SELECT id FROM tasks WHERE state = 'queued' AND owner_id = $4 \
             AND (worker_id IS NULL OR worker_id = $1) ORDER BY created_at, id LIMIT 1 \
             FOR UPDATE SKIP LOCKED"
        }
        Database::Sqlite(_) => {
            "SELECT id FROM tasks WHERE state = 'queued' AND owner_id = $4 \
             AND (worker_id IS NULL OR worker_id = $1) ORDER BY created_at, id LIMIT 1"
        }
    };
    // The lease hands back everything the agent needs in the same statement, the dataset's
    // facts included: one round trip for the claim, one more only for a resumed task.
    let sql = format!(
        "UPDATE tasks SET state = 'leased', leased_by = $1, lease_expires_at = $2, \
         attempts = attempts + 1, started_at = COALESCE(started_at, $3) \
         WHERE id = ({pick}) AND state = 'queued' \
         RETURNING id, strategy, configs, fee, slippage, attempts, dataset_id, \
         (SELECT d.rows FROM datasets d WHERE d.id = tasks.dataset_id) AS dataset_rows, \
         (SELECT d.size_bytes FROM datasets d WHERE d.id = tasks.dataset_id) AS dataset_size, \
         (SELECT d.sha256 FROM datasets d WHERE d.id = tasks.dataset_id) AS dataset_sha256"
    );
    let leased: Option<Lease> = on_pool!(&context.database, |pool| sqlx::query_as(&sql)
        .bind(&caller.worker.id)
        .bind(expires)
        .bind(now)
        .bind(&caller.worker.owner_id)
        .fetch_optional(pool)
        .await)
    .during("leasing a task")?;
    let Some(lease) = leased else {
        return Ok(LeaseResponse { task: None });
    };
    let task = leased_task(context, lease, expires).await?;
    Ok(LeaseResponse { task: Some(task) })
}

/// A task row as the lease returns it.
#[derive(sqlx::FromRow)]
struct Lease {
    id: String,
    strategy: String,
    configs: String,
    fee: f64,
    slippage: f64,
    attempts: i64,
    dataset_id: String,
    dataset_rows: i64,
    dataset_size: i64,
    dataset_sha256: String,
}

async fn leased_task(
    context: &EdgeContext,
    lease: Lease,
    expires: i64,
) -> Result<LeasedTask, FleetError> {
    // A first lease has no results yet; a resumed one skips the configs already done.
    let done: Vec<i64> = if lease.attempts > 1 {
        let sql = "SELECT config_id FROM task_results WHERE task_id = $1 ORDER BY config_id";
        on_pool!(&context.database, |pool| sqlx::query_scalar(sql)
            .bind(&lease.id)
            .fetch_all(pool)
            .await)
        .during("loading a task's results")?
    } else {
        Vec::new()
    };
    let broken = |what: &str| FleetError::Storage {
        context: "decoding a leased task",
        source: crate::storage::StorageError::failed("database", what),
    };
    let configs: Vec<StrategyConfig> =
        serde_json::from_str(&lease.configs).map_err(|_| broken("configs"))?;
    let strategy = StrategyName::parse(&lease.strategy).ok_or_else(|| broken("strategy"))?;
    Ok(LeasedTask {
        id: Uuid::parse_str(&lease.id).map_err(|_| broken("id"))?,
        strategy,
        costs: Costs {
            fee: lease.fee,
            slippage: lease.slippage,
        },
        dataset: DatasetRef {
            id: Uuid::parse_str(&lease.dataset_id).map_err(|_| broken("dataset id"))?,
            rows: u64::try_from(lease.dataset_rows).unwrap_or_default(),
            size_bytes: u64::try_from(lease.dataset_size).unwrap_or_default(),
            sha256: lease.dataset_sha256,
        },
        configs: configs
            .into_iter()
            .zip(0_u32..)
            .map(|(config, config_id)| TaskConfig { config_id, config })
            .collect(),
        completed_config_ids: done
            .into_iter()
            .filter_map(|id| u32::try_from(id).ok())
            .collect(),
        lease_expires_at: DateTime::from_timestamp(expires, 0).unwrap_or_default(),
    })
}

/// Progress: extends the lease and says whether the owner asked to cancel.
pub async fn heartbeat(
    context: &EdgeContext,
    caller: &AuthenticatedWorker,
    task_id: Uuid,
    configs_done: u32,
) -> Result<TaskHeartbeatResponse, FleetError> {
    let row = held(context, caller, task_id).await?;
    let expires = now() + context.settings.lease_secs();
    let done = i64::from(configs_done).min(row.configs_total);
    // Progress only moves forward, whatever order reports arrive in.
    let sql = format!(
        "UPDATE tasks SET state = 'running', lease_expires_at = $3, \
         configs_done = CASE WHEN $4 > configs_done THEN $4 ELSE configs_done END \
         WHERE {} RETURNING cancel_requested",
        held_by("$5")
    );
    let cancel: Option<bool> = on_pool!(&context.database, |pool| sqlx::query_scalar(&sql)
        .bind(&row.id)
        .bind(&caller.worker.id)
        .bind(expires)
        .bind(done)
        .bind(now())
        .fetch_optional(pool)
        .await)
    .during("extending a lease")?;
    match cancel {
        Some(cancel_requested) => Ok(TaskHeartbeatResponse {
            cancel_requested,
            lease_expires_at: DateTime::from_timestamp(expires, 0).unwrap_or_default(),
        }),
        None => Err(lost(context, caller, task_id).await),
    }
}

/// Why a guarded write touched nothing: the lease changed since it was checked.
async fn lost(context: &EdgeContext, caller: &AuthenticatedWorker, task_id: Uuid) -> FleetError {
    match held(context, caller, task_id).await {
        Err(err) => err,
        Ok(_) => FleetError::conflict("the lease changed while the request ran; try again"),
    }
}

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
    Ok(())
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
    let encoded: Vec<(i64, String, String)> = results
        .iter()
        .map(|result| {
            Ok((
                i64::from(result.config_id),
                serde_json::to_string(&result.metrics)?,
                serde_json::to_string(&result.equity_curve)?,
            ))
        })
        .collect::<Result<_, serde_json::Error>>()
        .map_err(|_| FleetError::field("results", "a result could not be encoded"))?;
    let now = now();
    let expires = now + context.settings.lease_secs();
    let extend = format!(
        "UPDATE tasks SET state = 'running', lease_expires_at = $3 WHERE {}",
        held_by("$4")
    );
    let insert = "INSERT INTO task_results (task_id, config_id, worker_id, metrics, equity_curve, created_at) \
                  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (task_id, config_id) DO NOTHING";
    // Never below what a progress report already said: progress does not go backwards.
    let count = "UPDATE tasks SET configs_done = CASE \
                 WHEN (SELECT COUNT(*) FROM task_results WHERE task_id = $1) > configs_done \
                 THEN (SELECT COUNT(*) FROM task_results WHERE task_id = $1) \
                 ELSE configs_done END \
                 WHERE id = $1 RETURNING configs_done";
    let outcome: Option<(u64, i64)> = on_pool!(&context.database, |pool| async {
        let mut tx = pool.begin().await?;
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
        for (config_id, metrics, curve) in &encoded {
            accepted += sqlx::query(insert)
                .bind(&row.id)
                .bind(config_id)
                .bind(&caller.worker.id)
                .bind(metrics)
                .bind(curve)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        let done: i64 = sqlx::query_scalar(count)
            .bind(&row.id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok::<_, sqlx::Error>(Some((accepted, done)))
    }
    .await)
    .during("storing results")?;
    let Some((accepted, done)) = outcome else {
        return Err(lost(context, caller, task_id).await);
    };
    let accepted = u32::try_from(accepted).unwrap_or(u32::MAX);
    let posted = u32::try_from(results.len()).unwrap_or(u32::MAX);
    Ok(ResultsAccepted {
        accepted,
        duplicates: posted.saturating_sub(accepted),
        configs_done: u32::try_from(done).unwrap_or(u32::MAX),
    })
}

/// Ends the task: `done` when every config has a result, `cancelled` if cancel was asked.
pub async fn complete(
    context: &EdgeContext,
    caller: &AuthenticatedWorker,
    task_id: Uuid,
) -> Result<TaskOutcome, FleetError> {
    let row = held(context, caller, task_id).await?;
    if !row.cancel_requested && row.result_count < row.configs_total {
        return Err(FleetError::conflict(format!(
            "{} of {} configs have no result yet; post them before completing",
            row.configs_total - row.result_count,
            row.configs_total
        )));
    }
    let sql = format!(
        "UPDATE tasks SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'done' END, \
         finished_at = $3, lease_expires_at = NULL WHERE {} RETURNING state",
        held_by("$3")
    );
    let state = finish(context, caller, task_id, &row, &sql).await?;
    if state == TaskState::Done {
        let reset = "UPDATE workers SET consecutive_failures = 0 WHERE id = $1";
        on_pool!(&context.database, |pool| sqlx::query(reset)
            .bind(&caller.worker.id)
            .execute(pool)
            .await
            .map(drop))
        .during("resetting a worker's failures")?;
    }
    Ok(TaskOutcome { state })
}

/// Fails the task; enough failures in a row quarantine the worker. The task's end, the
/// count and the quarantine commit together.
pub async fn fail(
    context: &EdgeContext,
    caller: &AuthenticatedWorker,
    task_id: Uuid,
    error: &str,
) -> Result<TaskOutcome, FleetError> {
    let row = held(context, caller, task_id).await?;
    let error: String = error.trim().chars().take(MAX_ERROR_CHARS).collect();
    if error.is_empty() {
        return Err(FleetError::field("error", "say what went wrong"));
    }
    let sql = format!(
        "UPDATE tasks SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'failed' END, \
         finished_at = $3, lease_expires_at = NULL, error = $4 \
         WHERE {} RETURNING state",
        held_by("$3")
    );
    let now = now();
    let threshold = context.settings.quarantine_after;
    let worker = &caller.worker.id;
    let outcome: Option<(String, bool)> = on_pool!(&context.database, |pool| async {
        let mut tx = pool.begin().await?;
        let state: Option<String> = sqlx::query_scalar(&sql)
            .bind(&row.id)
            .bind(worker)
            .bind(now)
            .bind(&error)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(state) = state else {
            return Ok(None);
        };
        let quarantined =
            state == TaskState::Failed.as_str() && count_failure!(tx, worker, threshold, now);
        tx.commit().await?;
        Ok::<_, sqlx::Error>(Some((state, quarantined)))
    }
    .await)
    .during("failing a task")?;
    let Some((state, quarantined)) = outcome else {
        return Err(lost(context, caller, task_id).await);
    };
    if quarantined {
        super::auth_cache::changed(context, worker).await?;
    }
    let state = TaskState::parse(&state).unwrap_or(TaskState::Failed);
    Ok(TaskOutcome { state })
}

/// Hands the task back to the queue without counting a failure (the agent is stopping).
pub async fn release(
    context: &EdgeContext,
    caller: &AuthenticatedWorker,
    task_id: Uuid,
) -> Result<TaskOutcome, FleetError> {
    let row = held(context, caller, task_id).await?;
    let sql = format!(
        "UPDATE tasks SET state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END, \
         finished_at = CASE WHEN cancel_requested THEN $3 ELSE NULL END, \
         leased_by = NULL, lease_expires_at = NULL WHERE {} RETURNING state",
        held_by("$3")
    );
    let state = finish(context, caller, task_id, &row, &sql).await?;
    Ok(TaskOutcome { state })
}

async fn finish(
    context: &EdgeContext,
    caller: &AuthenticatedWorker,
    task_id: Uuid,
    row: &TaskRow,
    sql: &str,
) -> Result<TaskState, FleetError> {
    let state: Option<String> = on_pool!(&context.database, |pool| {
        sqlx::query_scalar(sql)
            .bind(&row.id)
            .bind(&caller.worker.id)
            .bind(now())
            .fetch_optional(pool)
            .await
    })
    .during("ending a task")?;
    match state.as_deref().and_then(TaskState::parse) {
        Some(state) => Ok(state),
        None => Err(lost(context, caller, task_id).await),
    }
}

//! Leases that end without their worker: expiry (the agent crashed or went silent) and
//! requeueing a disabled or revoked worker's tasks; and counting a worker's failures.
//!
//! A task whose lease runs out goes back to the queue until it has been leased
//! `max_attempts` times; then it fails with a reason, so a task that crashes every agent
//! stops looping. Each expiry also counts as a failure of the worker that held the lease,
//! so an agent that keeps crashing is quarantined like one that keeps failing.

use super::error::StorageContext;
use super::events::{self, EventKind};
use super::{EdgeContext, FleetError, auth_cache, now};
use app_model::live::ChangeKind;
use edge_protocol::api::TaskState;

use crate::live;
use crate::storage::{Database, in_transaction, on_pool};

/// The most expired leases one sweep handles; the next sweep takes the rest.
const SWEEP_BATCH: i64 = 500;

/// Adds one failure to a worker: `RETURNING` the new count.
pub(super) const COUNT_FAILURE: &str = "UPDATE workers \
    SET consecutive_failures = consecutive_failures + 1 WHERE id = $1 \
    RETURNING consecutive_failures";
/// Quarantines a worker whose failures reached the threshold ($3), once.
pub(super) const QUARANTINE: &str = "UPDATE workers SET quarantined_at = $1 \
    WHERE id = $2 AND quarantined_at IS NULL AND consecutive_failures >= $3";

/// Counts a failure of worker `$worker` inside the open transaction `$tx` and quarantines
/// it at `$threshold`; evaluates to whether this call quarantined it. Both writes commit
/// together and the worker's row stays locked until then, so an owner's release cannot
/// land between the count and the quarantine.
macro_rules! count_failure {
    ($tx:expr, $worker:expr, $threshold:expr, $now:expr) => {{
        let failures: Option<i64> = sqlx::query_scalar($crate::fleet::leases::COUNT_FAILURE)
            .bind($worker)
            .fetch_optional(&mut *$tx)
            .await?;
        let failures = failures.unwrap_or_default();
        let quarantined = failures >= $threshold
            && sqlx::query($crate::fleet::leases::QUARANTINE)
                .bind($now)
                .bind($worker)
                .bind($threshold)
                .execute(&mut *$tx)
                .await?
                .rows_affected()
                > 0;
        if quarantined {
            sqlx::query($crate::fleet::events::INSERT)
                .bind($worker)
                .bind($crate::fleet::events::EventKind::Quarantined.as_str())
                .bind(format!("{failures} failed tasks in a row"))
                .bind($now)
                .execute(&mut *$tx)
                .await?;
        }
        quarantined
    }};
}
pub(super) use count_failure;

/// An expired lease, as the sweep found it.
#[derive(sqlx::FromRow)]
struct Expired {
    id: String,
    leased_by: Option<String>,
    attempts: i64,
    cancel_requested: bool,
}

/// What one expiry sweep did: leases ended, workers it quarantined, and the tasks and
/// workers it changed (announced once committed).
struct Swept {
    ended: u64,
    quarantined: Vec<String>,
    tasks: Vec<String>,
    workers: Vec<String>,
}

/// Ends expired leases: back to the queue, or failed once the task used up its attempts
/// (cancelled, when cancel was asked); each one counts against the worker that held it.
/// Run by a background job on every replica; the rows are locked while handled, so each
/// expiry is handled once whoever gets there first. Returns how many leases ended.
pub async fn expire_leases(context: &EdgeContext) -> Result<u64, FleetError> {
    let now = now();
    let max_attempts = context.settings.max_attempts;
    let threshold = context.settings.quarantine_after;
    // SQLite: take the write lock at BEGIN, so the read and the writes see one state.
    // PostgreSQL: lock the rows read, skipping those another replica is handling.
    let (begin, lock) = match &context.database {
        Database::Postgres(_) => ("BEGIN", "FOR UPDATE SKIP LOCKED"),
        Database::Sqlite(_) => ("BEGIN IMMEDIATE", ""),
    };
    let select = format!(
        "SELECT id, leased_by, attempts, cancel_requested FROM tasks \
         WHERE state IN ('leased', 'running') AND lease_expires_at < $1 \
         ORDER BY lease_expires_at, id LIMIT {SWEEP_BATCH} {lock}"
    );
    let end = "UPDATE tasks SET state = $1, error = COALESCE($2, error), finished_at = $3, \
               leased_by = NULL, lease_expires_at = NULL \
               WHERE id = $4 AND state IN ('leased', 'running') AND lease_expires_at < $5";
    let outcome: Swept = in_transaction!(&context.database, begin, |tx| {
        let expired: Vec<Expired> = sqlx::query_as(&select)
            .bind(now)
            .fetch_all(&mut *tx)
            .await?;
        let mut ended = 0;
        let mut quarantined = Vec::new();
        let mut tasks = Vec::new();
        let mut workers = Vec::new();
        for task in expired {
            let gave_up = !task.cancel_requested && task.attempts >= max_attempts;
            let (state, error, finished) = if task.cancel_requested {
                (TaskState::Cancelled, None, Some(now))
            } else if gave_up {
                let reason = format!(
                    "gave up after {} attempts: each time, the agent running it stopped \
                     reporting before its lease ran out (it crashed or lost its connection)",
                    task.attempts
                );
                (TaskState::Failed, Some(reason), Some(now))
            } else {
                (TaskState::Queued, None, None)
            };
            ended += sqlx::query(end)
                .bind(state)
                .bind(error)
                .bind(finished)
                .bind(&task.id)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tasks.push(task.id.clone());
            let Some(worker) = task.leased_by else {
                continue;
            };
            let detail = format!("task {}: no report before its lease ran out", task.id);
            sqlx::query(events::INSERT)
                .bind(&worker)
                .bind(EventKind::LeaseExpired.as_str())
                .bind(detail)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            if count_failure!(tx, &worker, threshold, now) {
                quarantined.push(worker.clone());
            }
            workers.push(worker);
        }
        Swept {
            ended,
            quarantined,
            tasks,
            workers,
        }
    })
    .during("expiring leases")?;
    let Swept {
        ended,
        quarantined,
        tasks,
        mut workers,
    } = outcome;
    for worker in &quarantined {
        auth_cache::changed(context, worker).await?;
        crate::notifications::events::agent_quarantined(context, worker).await;
    }
    // Each worker's timeline gained an event; announced once per worker.
    workers.sort_unstable();
    workers.dedup();
    for worker in &workers {
        live::announce_row(context, ChangeKind::Worker, worker).await;
    }
    for task in &tasks {
        live::announce_row(context, ChangeKind::Task, task).await;
        // A task that used up its attempts failed: its owner hears (a requeued one, not).
        crate::notifications::events::task_ended(context, task).await;
    }
    Ok(ended)
}

/// Returns a worker's leases to the queue at once (it was disabled or revoked); nothing is
/// counted against the task or the worker. Returns the tasks it handed back.
pub async fn requeue_worker_tasks(
    context: &EdgeContext,
    worker_id: &str,
) -> Result<Vec<String>, FleetError> {
    let sql = "UPDATE tasks SET \
               state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END, \
               finished_at = CASE WHEN cancel_requested THEN $1 ELSE NULL END, \
               leased_by = NULL, lease_expires_at = NULL \
               WHERE state IN ('leased', 'running') AND leased_by = $2 RETURNING id, owner_id";
    let requeued: Vec<(String, String)> = on_pool!(&context.database, |pool| sqlx::query_as(sql)
        .bind(now())
        .bind(worker_id)
        .fetch_all(pool)
        .await)
    .during("requeueing a worker's tasks")?;
    for (task_id, owner_id) in &requeued {
        live::announce(context, owner_id, ChangeKind::Task, task_id).await;
    }
    Ok(requeued.into_iter().map(|(task_id, _)| task_id).collect())
}

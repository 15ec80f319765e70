//! The end of a lease as its worker decides it: completed, failed, or handed back. Each
//! ends in one guarded write; a failure also counts toward the worker's quarantine.

use app_model::live::ChangeKind;
use edge_protocol::api::{MAX_ERROR_CHARS, TaskOutcome, TaskState};
use uuid::Uuid;

use super::{held, held_by, lost};
use crate::fleet::error::StorageContext;
use crate::fleet::leases::count_failure;
use crate::fleet::rows::TaskRow;
use crate::fleet::workers::AuthenticatedWorker;
use crate::fleet::{EdgeContext, FleetError, now};
use crate::live::announce;
use crate::notifications;
use crate::storage::{in_transaction, on_pool};

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
        notifications::events::task_ended(context, &row.id).await;
    }
    announce(context, &caller.worker.owner_id, ChangeKind::Task, &row.id).await;
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
    let outcome: Option<(TaskState, bool)> = in_transaction!(&context.database, |tx| {
        let state: Option<TaskState> = sqlx::query_scalar(&sql)
            .bind(&row.id)
            .bind(worker)
            .bind(now)
            .bind(&error)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(state) = state else {
            return Ok(None);
        };
        let quarantined = state == TaskState::Failed && count_failure!(tx, worker, threshold, now);
        Some((state, quarantined))
    })
    .during("failing a task")?;
    let Some((state, quarantined)) = outcome else {
        return Err(lost(context, caller, task_id).await);
    };
    if quarantined {
        crate::fleet::auth_cache::changed(context, worker).await?;
        announce(context, &caller.worker.owner_id, ChangeKind::Worker, worker).await;
        notifications::events::agent_quarantined(context, worker).await;
    }
    notifications::events::task_ended(context, &row.id).await;
    announce(context, &caller.worker.owner_id, ChangeKind::Task, &row.id).await;
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
    announce(context, &caller.worker.owner_id, ChangeKind::Task, &row.id).await;
    Ok(TaskOutcome { state })
}

async fn finish(
    context: &EdgeContext,
    caller: &AuthenticatedWorker,
    task_id: Uuid,
    row: &TaskRow,
    sql: &str,
) -> Result<TaskState, FleetError> {
    let state: Option<TaskState> = on_pool!(&context.database, |pool| {
        sqlx::query_scalar(sql)
            .bind(&row.id)
            .bind(&caller.worker.id)
            .bind(now())
            .fetch_optional(pool)
            .await
    })
    .during("ending a task")?;
    match state {
        Some(state) => Ok(state),
        None => Err(lost(context, caller, task_id).await),
    }
}

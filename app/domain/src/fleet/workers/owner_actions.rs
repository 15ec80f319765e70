//! What an owner does with their workers: look at them, and disable, enable, release or
//! change their credentials. Ownership is checked on every call, and a worker that is not
//! the caller's looks the same as one that does not exist.

use app_model::live::ChangeKind;

use crate::live::announce;
use app_model::fleet::{Worker, WorkerEvent};

use crate::fleet::auth_cache;
use crate::fleet::error::StorageContext;
use crate::fleet::events::{self, EventKind};
use crate::fleet::rows::{WORKER_COLUMNS, WorkerRow};
use crate::fleet::{EdgeContext, FleetError, Owner, now};
use crate::storage::on_pool;

async fn load(context: &EdgeContext, worker_id: &str) -> Result<Option<WorkerRow>, FleetError> {
    let sql = format!("SELECT {WORKER_COLUMNS} FROM workers w WHERE w.id = $1");
    on_pool!(&context.database, |pool| sqlx::query_as::<_, WorkerRow>(
        &sql
    )
    .bind(worker_id)
    .fetch_optional(pool)
    .await)
    .during("loading a worker")
}

/// A worker the owner may see; anyone else's is "not found", never "forbidden", so ids
/// cannot be probed.
pub async fn owned(
    context: &EdgeContext,
    owner: &Owner,
    worker_id: &str,
) -> Result<WorkerRow, FleetError> {
    load(context, worker_id)
        .await?
        .filter(|row| owner.may_access(&row.owner_id))
        .ok_or_else(|| FleetError::not_found("worker"))
}

/// The owner's workers, newest first.
pub async fn list(context: &EdgeContext, owner: &Owner) -> Result<Vec<Worker>, FleetError> {
    let sql = format!(
        "SELECT {WORKER_COLUMNS} FROM workers w WHERE w.owner_id = $1 \
         ORDER BY w.created_at DESC, w.id LIMIT 500"
    );
    let rows = on_pool!(&context.database, |pool| sqlx::query_as::<_, WorkerRow>(
        &sql
    )
    .bind(&owner.user_id)
    .fetch_all(pool)
    .await)
    .during("listing workers")?;
    let now = now();
    Ok(rows
        .iter()
        .map(|row| row.to_model(now, &context.settings))
        .collect())
}

/// One worker and its timeline.
pub async fn detail(
    context: &EdgeContext,
    owner: &Owner,
    worker_id: &str,
) -> Result<(Worker, Vec<WorkerEvent>), FleetError> {
    let row = owned(context, owner, worker_id).await?;
    let timeline = events::timeline(&context.database, &row.id).await?;
    Ok((row.to_model(now(), &context.settings), timeline))
}

/// What an owner can do to a worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerAction {
    Disable,
    Enable,
    /// Lifts a quarantine.
    Release,
    /// Asks the agent to rotate its credential at its next heartbeat.
    RotateCredential,
    /// Revokes every credential at once; the agent must be enrolled again.
    RevokeCredentials,
}

pub async fn act(
    context: &EdgeContext,
    owner: &Owner,
    worker_id: &str,
    action: WorkerAction,
) -> Result<Worker, FleetError> {
    let row = owned(context, owner, worker_id).await?;
    let now = now();
    let (sql, event): (&str, Option<EventKind>) = match action {
        WorkerAction::Disable => (
            "UPDATE workers SET disabled_at = COALESCE(disabled_at, $1) WHERE id = $2",
            row.disabled_at.is_none().then_some(EventKind::Disabled),
        ),
        WorkerAction::Enable => (
            "UPDATE workers SET disabled_at = NULL WHERE id = $1",
            row.disabled_at.is_some().then_some(EventKind::Enabled),
        ),
        WorkerAction::Release => (
            "UPDATE workers SET quarantined_at = NULL, consecutive_failures = 0 WHERE id = $1",
            row.quarantined_at.is_some().then_some(EventKind::Released),
        ),
        WorkerAction::RotateCredential => (
            "UPDATE workers SET rotate_requested = TRUE WHERE id = $1",
            None,
        ),
        WorkerAction::RevokeCredentials => (
            "UPDATE worker_credentials SET revoked_at = $1 \
             WHERE worker_id = $2 AND revoked_at IS NULL",
            Some(EventKind::CredentialRevoked),
        ),
    };
    // Statements that record a time take it as $1 and the worker as $2; the rest take
    // only the worker.
    let stamped = matches!(
        action,
        WorkerAction::Disable | WorkerAction::RevokeCredentials
    );
    on_pool!(&context.database, |pool| {
        let query = if stamped {
            sqlx::query(sql).bind(now).bind(&row.id)
        } else {
            sqlx::query(sql).bind(&row.id)
        };
        query.execute(pool).await.map(drop)
    })
    .during("changing a worker")?;
    auth_cache::changed(context, &row.id).await?;
    if stamped {
        // Its leases go back to the queue now rather than when they expire.
        crate::fleet::leases::requeue_worker_tasks(context, &row.id).await?;
    }
    if let Some(event) = event {
        let by = if owner.user_id == row.owner_id {
            "by its owner"
        } else {
            "by an administrator"
        };
        events::record(&context.database, &row.id, event, Some(by)).await?;
    }
    announce(context, &row.owner_id, ChangeKind::Worker, &row.id).await;
    let row = owned(context, owner, worker_id).await?;
    Ok(row.to_model(now, &context.settings))
}

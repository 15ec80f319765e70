//! Progress reports: the agent's proof it is still working, which keeps its lease alive,
//! and the owner's way to reach it, since the reply carries any cancel request.

use app_model::live::ChangeKind;
use chrono::DateTime;
use edge_protocol::api::TaskHeartbeatResponse;
use uuid::Uuid;

use super::{held, held_by, lost};
use crate::fleet::error::StorageContext;
use crate::fleet::workers::AuthenticatedWorker;
use crate::fleet::{EdgeContext, FleetError, now};
use crate::live::announce;
use crate::storage::on_pool;

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
        Some(cancel_requested) => {
            announce(context, &caller.worker.owner_id, ChangeKind::Task, &row.id).await;
            Ok(TaskHeartbeatResponse {
                cancel_requested,
                lease_expires_at: DateTime::from_timestamp(expires, 0).unwrap_or_default(),
            })
        }
        None => Err(lost(context, caller, task_id).await),
    }
}

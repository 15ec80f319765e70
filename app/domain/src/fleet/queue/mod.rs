//! The task queue as workers see it: lease, report progress, post results, finish.
//!
//! Every call after the lease is checked against it: the task must belong to the worker's
//! owner (otherwise "not found"), not have ended (otherwise "conflict"), and be leased to
//! this worker with its lease not yet expired (otherwise "forbidden"). The lease checks —
//! holder, state and `lease_expires_at` — are repeated inside each write's WHERE clause, so
//! a lease that expires or moves between the check and the write is never written through.
//!
//! Leases that end without their worker (expiry, a disabled worker) are in `leases`.
//!
//! One file per step — `lease`, `progress`, `results`, `finish` — all re-exported here,
//! so callers keep writing `queue::…`. This file keeps the lease check that every step
//! after the lease shares: [`held`] before the write, `held_by` inside it, and `lost` to
//! say why a guarded write touched nothing.

mod finish;
mod lease;
mod progress;
mod results;

pub use finish::{complete, fail, release};
pub use lease::lease_next;
pub use progress::heartbeat;
pub use results::{MAX_CURVE_POINTS, post_results};

pub use super::leases::{expire_leases, requeue_worker_tasks};

use edge_protocol::api::ErrorCode;
use uuid::Uuid;

use super::rows::TaskRow;
use super::workers::AuthenticatedWorker;
use super::{EdgeContext, FleetError, now, tasks};

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
    let state = row.state;
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

/// Why a guarded write touched nothing: the lease changed since it was checked.
async fn lost(context: &EdgeContext, caller: &AuthenticatedWorker, task_id: Uuid) -> FleetError {
    match held(context, caller, task_id).await {
        Err(err) => err,
        Ok(_) => FleetError::conflict("the lease changed while the request ran; try again"),
    }
}

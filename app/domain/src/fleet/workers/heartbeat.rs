//! Heartbeats: how a worker says it is alive and what it is doing. Most are buffered;
//! the ones that change what an owner sees (back online, a new error) are written at once.

use app_model::live::ChangeKind;
use chrono::Utc;
use edge_protocol::api::{HeartbeatRequest, HeartbeatResponse, MAX_ERROR_CHARS, WorkerStatus};

use super::{AuthenticatedWorker, MAX_FIELD_CHARS, short_field};
use crate::fleet::auth_cache;
use crate::fleet::events::{self, EventKind};
use crate::fleet::heartbeats::HeartbeatRecord;
use crate::fleet::{EdgeContext, FleetError};
use crate::live::announce;

fn truncate(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Records a heartbeat: the server's receive time, the agent's clock skew, its state and
/// its last error. A worker that was stale or offline gets an `online` event.
pub async fn heartbeat(
    context: &EdgeContext,
    caller: &AuthenticatedWorker,
    request: &HeartbeatRequest,
    client_ip: Option<&str>,
) -> Result<HeartbeatResponse, FleetError> {
    let version = short_field("version", &request.version, MAX_FIELD_CHARS)?;
    let platform = short_field("platform", &request.platform, MAX_FIELD_CHARS)?;
    let arch = short_field("arch", &request.arch, MAX_FIELD_CHARS)?;
    let received_at = Utc::now();
    let now = received_at.timestamp();
    let skew_ms = request
        .sent_at
        .signed_duration_since(received_at)
        .num_milliseconds();
    let error = request.last_error.as_ref();
    let error_message = error.map(|error| truncate(&error.message, MAX_ERROR_CHARS));
    let error_at = error.map(|error| error.at.timestamp());
    let uptime = i64::try_from(request.uptime_seconds).unwrap_or(i64::MAX);
    let worker = &caller.worker;
    let record = HeartbeatRecord {
        worker_id: worker.id.clone(),
        version,
        platform,
        arch,
        runtime_state: request.state.as_str(),
        active_task_id: request.active_task.map(|id| id.to_string()),
        uptime_seconds: uptime,
        last_seen_at: now,
        clock_skew_ms: skew_ms,
        last_ip: client_ip.map(str::to_owned),
        last_error: error_message.clone(),
        last_error_class: error.map(|error| error.class.as_str()),
        last_error_at: error_at,
    };
    let back_online = worker.derived_status != WorkerStatus::Online;
    let new_error = error_message.as_deref().is_some_and(|message| {
        error_at != worker.last_error_at || worker.last_error.as_deref() != Some(message)
    });
    if back_online || new_error {
        context
            .heartbeats
            .write_now(&context.database, record)
            .await?;
        auth_cache::changed(context, &worker.id).await?;
    } else {
        context.heartbeats.record(record).await?;
    }

    if back_online {
        events::record(&context.database, &worker.id, EventKind::Online, None).await?;
    }
    if let (true, Some(error), Some(message)) = (new_error, error, error_message.as_deref()) {
        let detail = format!("{}: {message}", error.class.as_str());
        events::record(
            &context.database,
            &worker.id,
            EventKind::ErrorReported,
            Some(&detail),
        )
        .await?;
    }
    if back_online || new_error {
        announce(context, &worker.owner_id, ChangeKind::Worker, &worker.id).await;
    }
    let status = if worker.quarantined_at.is_some() {
        WorkerStatus::Quarantined
    } else {
        WorkerStatus::Online
    };
    Ok(HeartbeatResponse {
        received_at,
        status,
        intervals: context.settings.intervals,
        rotate_credential: worker.rotate_requested,
    })
}

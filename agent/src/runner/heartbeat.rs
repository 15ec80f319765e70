//! The connectivity heartbeat: tells the server the agent is alive and what it is doing,
//! adopts the intervals the server answers with, and rotates the credential when asked.
//!
//! It runs on its own tokio task, so a long backtest never makes the worker look offline.

use std::sync::Arc;

use edge_protocol::api::{ApiError, ErrorClass, HeartbeatResponse, WorkerStatus};
use tokio::sync::watch;

use super::{Shared, seconds};
use crate::backoff::Backoff;
use crate::client::{ClientError, EdgeApi};
use crate::config::ConfigFile;
use crate::failure::worker_action;

/// One heartbeat: send, adopt the answer's intervals, rotate if asked.
pub(super) async fn beat<A: EdgeApi>(
    api: &A,
    shared: &Shared,
    file: &ConfigFile,
) -> Result<HeartbeatResponse, ClientError> {
    let answer = api.heartbeat(&shared.heartbeat_request()).await?;
    shared.set_intervals(answer.intervals);
    if answer.rotate_credential {
        rotate(api, shared, file).await?;
    }
    Ok(answer)
}

/// Rotates the credential and stores the new one. A rotation that could not be stored is
/// logged loudly but does not stop the agent: the new credential works in memory, and the
/// old one in the file keeps working until `previous_valid_until`.
async fn rotate<A: EdgeApi>(
    api: &A,
    shared: &Shared,
    file: &ConfigFile,
) -> Result<(), ClientError> {
    let rotated = api.rotate_credential().await?;
    match file.replace_credential(rotated.credential) {
        Ok(()) => tracing::info!(
            config = %file.path().display(),
            previous_valid_until = %rotated.previous_valid_until,
            "rotated the credential, as the server asked; the new one is saved"
        ),
        Err(err) => {
            tracing::error!(
                error = %err,
                previous_valid_until = %rotated.previous_valid_until,
                "rotated the credential but could not save it; this run goes on, but after a \
                 restart past the time above the agent must be enrolled again"
            );
            shared.record_error(ErrorClass::Auth, &err);
        }
    }
    Ok(())
}

/// Heartbeats until the server refuses the agent for good; then reports the error on
/// `fatal` and ends. The first heartbeat was sent by the loop before this starts.
///
/// A failed heartbeat is tried again after a backoff delay rather than a whole interval,
/// so the worker shows as online again soon after an outage; never later than the interval.
pub(super) async fn run<A: EdgeApi>(
    api: Arc<A>,
    shared: Arc<Shared>,
    file: Arc<ConfigFile>,
    fatal: watch::Sender<Option<ApiError>>,
) {
    let mut backoff = Backoff::NETWORK;
    let mut last_status: Option<WorkerStatus> = None;
    let mut wait = seconds(shared.intervals().heartbeat_seconds);
    loop {
        tokio::time::sleep(wait).await;
        let interval = seconds(shared.intervals().heartbeat_seconds);
        wait = match beat(&*api, &shared, &file).await {
            Ok(answer) => {
                if backoff.failures() > 0 {
                    tracing::info!("heartbeats reach the server again");
                }
                backoff.reset();
                if last_status != Some(answer.status) {
                    log_status(answer.status);
                    last_status = Some(answer.status);
                }
                // The answer may have brought a new interval.
                seconds(shared.intervals().heartbeat_seconds)
            }
            Err(ClientError::Api { error, .. }) if error.code.is_fatal_for_agent() => {
                shared.record_error(ErrorClass::Auth, &error);
                fatal.send_replace(Some(error));
                return;
            }
            Err(err) => {
                shared.record_error(err.class(), &err);
                tracing::warn!(error = %err, "heartbeat failed");
                backoff.next_delay(&mut rand::rng()).min(interval)
            }
        };
    }
}

fn log_status(status: WorkerStatus) {
    match status {
        WorkerStatus::Quarantined => tracing::warn!(
            status = status.as_str(),
            "the server lists this worker as quarantined and gives it no tasks; {}",
            worker_action("release")
        ),
        _ => tracing::debug!(status = status.as_str(), "worker status"),
    }
}

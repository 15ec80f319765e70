//! Connectivity heartbeats and the worker's view of itself.

use axum::Json;
use axum::extract::State;
use chrono::DateTime;
use domain::fleet::{now, workers};
use edge_protocol::api::{ApiError, HeartbeatRequest, HeartbeatResponse, WorkerInfo};
use uuid::Uuid;

use axum::http::request::Parts;

use super::extract::{Body, ClientAddress, EdgeResult, Worker, bearer};
use crate::state::AppState;

/// Records that the agent is alive, with its state, clock and last error; answers with
/// the intervals to use and whether to rotate the credential.
#[utoipa::path(
    post,
    path = "/edge/v1/heartbeat",
    operation_id = "worker_heartbeat",
    tag = "liveness",
    request_body = HeartbeatRequest,
    security(("worker_credential" = [])),
    responses(
        (status = 200, description = "Recorded", body = HeartbeatResponse),
        (status = 401, description = "`unauthorized`, `credential_invalid`, `credential_revoked` or `credential_expired`", body = ApiError),
        (status = 403, description = "`worker_disabled`", body = ApiError),
        (status = 422, description = "`validation`", body = ApiError),
    )
)]
pub async fn heartbeat(
    State(state): State<AppState>,
    ClientAddress(ip): ClientAddress,
    Worker(worker): Worker,
    Body(request): Body<HeartbeatRequest>,
) -> EdgeResult<Json<HeartbeatResponse>> {
    let response = workers::heartbeat(state.edge(), &worker, &request, ip.as_deref()).await?;
    Ok(Json(response))
}

/// The calling worker as the server sees it, for `edge-agent status`.
#[utoipa::path(
    get,
    path = "/edge/v1/worker",
    operation_id = "get_worker",
    tag = "liveness",
    security(("worker_credential" = [])),
    responses(
        (status = 200, description = "The worker", body = WorkerInfo),
        (status = 401, description = "The credential was refused", body = ApiError),
        (status = 403, description = "`worker_disabled`", body = ApiError),
    )
)]
pub async fn worker(State(state): State<AppState>, parts: Parts) -> EdgeResult<Json<WorkerInfo>> {
    // Read now, not from the credential cache: the answer is the worker's current state.
    let worker = workers::authenticate_fresh(state.edge(), bearer(&parts)).await?;
    let settings = &state.edge().settings;
    let row = &worker.worker;
    Ok(Json(WorkerInfo {
        worker_id: Uuid::parse_str(&row.id).unwrap_or_default(),
        display_name: row.display_name.clone(),
        status: row.status(now(), settings),
        last_seen_at: row
            .last_seen_at
            .and_then(|seen| DateTime::from_timestamp(seen, 0)),
        intervals: settings.intervals,
    }))
}

//! The task queue: lease, dataset, progress, results and the end of a task.

use axum::Json;
use axum::body::Body as ResponseBody;
use axum::extract::State;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use domain::fleet::{datasets, queue};
use edge_protocol::api::{
    ApiError, FailRequest, LeaseResponse, ResultBatch, ResultsAccepted, TaskHeartbeatRequest,
    TaskHeartbeatResponse, TaskOutcome,
};
use futures::StreamExt;

use super::extract::{Body, EdgeResult, TaskId, Worker};
use crate::state::AppState;

/// What any call about a leased task may be refused with.
#[derive(utoipa::IntoResponses)]
#[expect(
    dead_code,
    reason = "describes responses for the OpenAPI document; never built"
)]
enum TaskRefusals {
    /// `unauthorized`, `credential_invalid`, `credential_revoked` or `credential_expired`
    #[response(status = 401)]
    Unauthorized(ApiError),
    /// `forbidden`: the task is not leased to this worker; `worker_disabled`
    #[response(status = 403)]
    Forbidden(ApiError),
    /// `not_found`: no such task among the worker owner's
    #[response(status = 404)]
    NotFound(ApiError),
    /// `conflict`: the task has ended (or, for `complete`, configs have no result yet)
    #[response(status = 409)]
    Conflict(ApiError),
}

/// Leases the oldest queued task this worker may run, or answers `{"task": null}`.
#[utoipa::path(
    post,
    path = "/edge/v1/tasks/next",
    operation_id = "lease_next_task",
    tag = "tasks",
    security(("worker_credential" = [])),
    responses(
        (status = 200, description = "A leased task, or none", body = LeaseResponse),
        (status = 401, description = "The credential was refused", body = ApiError),
        (status = 403, description = "`worker_disabled` or `worker_quarantined`", body = ApiError),
    )
)]
pub async fn next(
    State(state): State<AppState>,
    Worker(worker): Worker,
) -> EdgeResult<Json<LeaseResponse>> {
    Ok(Json(queue::lease_next(state.edge(), &worker).await?))
}

/// The task's dataset as CSV, streamed from the object store.
#[utoipa::path(
    get,
    path = "/edge/v1/tasks/{id}/dataset",
    operation_id = "download_task_dataset",
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The task")),
    security(("worker_credential" = [])),
    responses(
        (status = 200, description = "The CSV file", content_type = "text/csv", body = String),
        TaskRefusals,
    )
)]
pub async fn dataset(
    State(state): State<AppState>,
    Worker(worker): Worker,
    TaskId(id): TaskId,
) -> EdgeResult<Response> {
    let context = state.edge();
    let task = queue::held(context, &worker, id).await?;
    let dataset = datasets::find(context, &task.dataset_id)
        .await?
        .ok_or_else(|| domain::fleet::FleetError::not_found("dataset"))?;
    let stream = datasets::open(context, &dataset).await?;
    let body = ResponseBody::from_stream(stream.map(|chunk| {
        chunk.map_err(|err| {
            tracing::error!(error = %err, "edge: streaming a dataset");
            std::io::Error::other("the dataset could not be read")
        })
    }));
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_LENGTH, dataset.size_bytes.to_string()),
        ],
        body,
    )
        .into_response())
}

/// Reports progress, extends the lease, and says whether cancel was requested.
#[utoipa::path(
    post,
    path = "/edge/v1/tasks/{id}/heartbeat",
    operation_id = "task_heartbeat",
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The task")),
    request_body = TaskHeartbeatRequest,
    security(("worker_credential" = [])),
    responses(
        (status = 200, description = "Lease extended", body = TaskHeartbeatResponse),
        TaskRefusals,
        (status = 422, description = "`validation`", body = ApiError),
    )
)]
pub async fn heartbeat(
    State(state): State<AppState>,
    Worker(worker): Worker,
    TaskId(id): TaskId,
    Body(request): Body<TaskHeartbeatRequest>,
) -> EdgeResult<Json<TaskHeartbeatResponse>> {
    let response = queue::heartbeat(state.edge(), &worker, id, request.configs_done).await?;
    Ok(Json(response))
}

/// Stores a batch of results; posting a config's result again is harmless.
#[utoipa::path(
    post,
    path = "/edge/v1/tasks/{id}/results",
    operation_id = "post_task_results",
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The task")),
    request_body = ResultBatch,
    security(("worker_credential" = [])),
    responses(
        (status = 200, description = "Stored", body = ResultsAccepted),
        TaskRefusals,
        (status = 413, description = "`payload_too_large`: more than 500 results", body = ApiError),
        (status = 422, description = "`validation`: an unknown config or a non-finite metric", body = ApiError),
    )
)]
pub async fn results(
    State(state): State<AppState>,
    Worker(worker): Worker,
    TaskId(id): TaskId,
    Body(batch): Body<ResultBatch>,
) -> EdgeResult<Json<ResultsAccepted>> {
    let accepted = queue::post_results(state.edge(), &worker, id, &batch.results).await?;
    Ok(Json(accepted))
}

/// Ends the task: `done`, or `cancelled` when cancel was requested.
#[utoipa::path(
    post,
    path = "/edge/v1/tasks/{id}/complete",
    operation_id = "complete_task",
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The task")),
    security(("worker_credential" = [])),
    responses(
        (status = 200, description = "Ended", body = TaskOutcome),
        TaskRefusals,
    )
)]
pub async fn complete(
    State(state): State<AppState>,
    Worker(worker): Worker,
    TaskId(id): TaskId,
) -> EdgeResult<Json<TaskOutcome>> {
    Ok(Json(queue::complete(state.edge(), &worker, id).await?))
}

/// Fails the task; three failures in a row quarantine the worker.
#[utoipa::path(
    post,
    path = "/edge/v1/tasks/{id}/fail",
    operation_id = "fail_task",
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The task")),
    request_body = FailRequest,
    security(("worker_credential" = [])),
    responses(
        (status = 200, description = "Ended", body = TaskOutcome),
        TaskRefusals,
        (status = 422, description = "`validation`: an empty error", body = ApiError),
    )
)]
pub async fn fail(
    State(state): State<AppState>,
    Worker(worker): Worker,
    TaskId(id): TaskId,
    Body(request): Body<FailRequest>,
) -> EdgeResult<Json<TaskOutcome>> {
    Ok(Json(
        queue::fail(state.edge(), &worker, id, &request.error).await?,
    ))
}

/// Hands the task back to the queue without counting a failure (the agent is stopping).
#[utoipa::path(
    post,
    path = "/edge/v1/tasks/{id}/release",
    operation_id = "release_task",
    tag = "tasks",
    params(("id" = Uuid, Path, description = "The task")),
    security(("worker_credential" = [])),
    responses(
        (status = 200, description = "Back in the queue (or cancelled, if cancel was requested)", body = TaskOutcome),
        TaskRefusals,
    )
)]
pub async fn release(
    State(state): State<AppState>,
    Worker(worker): Worker,
    TaskId(id): TaskId,
) -> EdgeResult<Json<TaskOutcome>> {
    Ok(Json(queue::release(state.edge(), &worker, id).await?))
}

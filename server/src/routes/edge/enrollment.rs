//! Registration with an enrollment token, and credential rotation.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use domain::fleet::workers;
use edge_protocol::api::{ApiError, CredentialRotated, RegisterRequest, RegisterResponse};

use super::extract::{Body, EdgeResult, Worker, bearer};
use crate::state::AppState;

/// Enrols an agent: spends one use of the enrollment token and returns the worker's
/// credential (shown once) and the intervals to call in at.
#[utoipa::path(
    post,
    path = "/edge/v1/register",
    operation_id = "register_worker",
    tag = "enrollment",
    request_body = RegisterRequest,
    security(("enrollment_token" = [])),
    responses(
        (status = 201, description = "Registered", body = RegisterResponse),
        (status = 401, description = "`unauthorized`, `token_invalid`, `token_expired`, `token_revoked` or `token_exhausted`", body = ApiError),
        (status = 422, description = "`validation`: a field is empty or too long", body = ApiError),
    )
)]
pub async fn register(
    State(state): State<AppState>,
    parts: Parts,
    Body(request): Body<RegisterRequest>,
) -> EdgeResult<(StatusCode, Json<RegisterResponse>)> {
    let response = workers::register(state.edge(), bearer(&parts), &request).await?;
    Ok((StatusCode::CREATED, Json(response)))
}

/// Issues a new credential; the calling one keeps working for the grace period.
#[utoipa::path(
    post,
    path = "/edge/v1/credentials/rotate",
    operation_id = "rotate_credential",
    tag = "enrollment",
    security(("worker_credential" = [])),
    responses(
        (status = 200, description = "Rotated", body = CredentialRotated),
        (status = 401, description = "The credential was refused", body = ApiError),
        (status = 403, description = "`worker_disabled`", body = ApiError),
    )
)]
pub async fn rotate(
    State(state): State<AppState>,
    Worker(worker): Worker,
) -> EdgeResult<Json<CredentialRotated>> {
    Ok(Json(workers::rotate(state.edge(), &worker).await?))
}

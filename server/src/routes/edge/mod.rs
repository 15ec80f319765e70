//! The REST control plane edge agents call, under `/edge/v1` on every host.
//!
//! Plain axum routes over the types of `edge-protocol`; the OpenAPI document is generated
//! from the same types and served at `/edge/v1/openapi.json`. Every error is `{code,
//! message}` with a stable code, whatever the route.

mod enrollment;
mod extract;
mod heartbeat;
mod openapi;
pub mod reference;
mod tasks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use edge_protocol::api::ErrorCode;

pub use extract::EdgeError;
pub use openapi::document;

use crate::state::AppState;

/// The largest body the edge API reads: a full batch of results with their curves.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The edge API's routes, relative to `/edge/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", post(enrollment::register))
        .route("/credentials/rotate", post(enrollment::rotate))
        .route("/heartbeat", post(heartbeat::heartbeat))
        .route("/worker", get(heartbeat::worker))
        .route("/tasks/next", post(tasks::next))
        .route("/tasks/{id}/dataset", get(tasks::dataset))
        .route("/tasks/{id}/heartbeat", post(tasks::heartbeat))
        .route("/tasks/{id}/results", post(tasks::results))
        .route("/tasks/{id}/complete", post(tasks::complete))
        .route("/tasks/{id}/fail", post(tasks::fail))
        .route("/tasks/{id}/release", post(tasks::release))
        .route("/openapi.json", get(openapi::serve))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(unknown_endpoint)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

async fn unknown_endpoint() -> EdgeError {
    EdgeError::new(ErrorCode::NotFound, "no such edge API endpoint")
}

async fn method_not_allowed() -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut response =
        EdgeError::new(ErrorCode::NotFound, "no such edge API endpoint").into_response();
    *response.status_mut() = axum::http::StatusCode::METHOD_NOT_ALLOWED;
    response
}

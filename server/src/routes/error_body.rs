//! The REST control plane edge agents call, under `/edge/v1` on every host.
//!
//! Errors are typed JSON with a stable `code`, whatever the route.

use axum::Json;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::state::AppState;

/// The body of every edge API error.
#[derive(Debug, Serialize)]
pub struct ApiError {
    pub error: ApiErrorBody,
}

#[derive(Debug, Serialize)]
pub struct ApiErrorBody {
    /// Stable, machine-readable; agents branch on it.
    pub code: &'static str,
    /// For people reading logs.
    pub message: &'static str,
}

impl ApiError {
    pub const fn new(code: &'static str, message: &'static str) -> Self {
        Self {
            error: ApiErrorBody { code, message },
        }
    }
}

/// The edge API's routes.
pub fn router() -> Router<AppState> {
    Router::new().fallback(unknown_endpoint)
}

async fn unknown_endpoint() -> Response {
    (
        StatusCode::NOT_FOUND,
        Json(ApiError::new("not_found", "no such edge API endpoint")),
    )
        .into_response()
}

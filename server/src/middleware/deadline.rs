//! How long a request may take: past the configured timeout it is answered 408.
//!
//! Dataset uploads are exempt. On a slow link a 64 MiB file takes minutes, and cutting it
//! off at a fixed time would refuse a transfer that is making progress; the upload route
//! bounds a stall and the whole transfer itself (see `routes::datasets`).

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::routes::datasets::UPLOAD_PATH;

pub async fn request_deadline(
    State(timeout): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path() == UPLOAD_PATH {
        return next.run(request).await;
    }
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

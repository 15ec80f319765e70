//! A request id on every request, every response and every log line about it.

use axum::http::{HeaderName, Request};
use tower_http::request_id::RequestId;
use tracing::Span;

/// The header carrying the id; a trusted proxy may set it, otherwise we mint a UUID.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The span every log line of a request is written in.
pub fn request_span<B>(request: &Request<B>) -> Span {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-");
    // The path only: query strings may carry tokens.
    tracing::info_span!(
        "request",
        request_id,
        method = %request.method(),
        path = %request.uri().path(),
        site = tracing::field::Empty,
    )
}

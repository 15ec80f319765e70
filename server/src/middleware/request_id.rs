//! A request id on every request, every response and every log line about it.
//!
//! An id arriving with the request is kept only when the peer is one of the trusted
//! proxies (`LP_TRUSTED_PROXIES`), so a proxy's id ties its logs to ours. From anyone
//! else it is dropped and a fresh UUID minted: a client could otherwise pick the id
//! our logs file its requests under, or reuse another request's id to blur the trail.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderName, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::request_id::RequestId;
use tracing::Span;

use super::client_ip::TrustedProxies;

/// The header carrying the id.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest id taken from a proxy; anything longer is replaced.
const MAX_LEN: usize = 128;

/// Removes `X-Request-Id` unless a trusted proxy sent a sane one, so the layer after
/// this one mints a new id. Runs before that layer.
pub async fn untrusted_request_id(
    State(trusted): State<Arc<TrustedProxies>>,
    mut request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let from_proxy = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|info| trusted.trusts(info.0.ip()));
    let keep = from_proxy && {
        let mut ids = request.headers().get_all(&REQUEST_ID).iter();
        matches!((ids.next(), ids.next()), (Some(id), None) if is_sane(id))
    };
    if !keep {
        request.headers_mut().remove(&REQUEST_ID);
    }
    next.run(request).await
}

/// Short, printable ASCII, no spaces: safe to write into logs and echo back.
fn is_sane(id: &HeaderValue) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty() && bytes.len() <= MAX_LEN && bytes.iter().all(u8::is_ascii_graphic)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_printable_ids_are_sane() {
        assert!(is_sane(&HeaderValue::from_static("edge-7f3a.1")));
        assert!(!is_sane(&HeaderValue::from_static("")));
        assert!(!is_sane(&HeaderValue::from_static("two words")));
        let long = "a".repeat(MAX_LEN + 1);
        assert!(!is_sane(&HeaderValue::from_str(&long).expect("ascii")));
    }
}

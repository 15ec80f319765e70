//! A per-IP rate limit on the auth endpoints (`/api/auth/…`): password guessing across
//! many accounts from one address hits this before it hits any account's lockout.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::Json;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use app::auth::ssr::request::ClientIp;

use crate::routes::error_body::ErrorResponse;

/// The limiter, shared by every site router.
#[derive(Debug)]
pub struct AuthRateLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

impl AuthRateLimit {
    /// `per_minute` requests per client address, refilled evenly over the minute.
    pub fn per_minute(per_minute: NonZeroU32) -> Self {
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
        }
    }
}

/// The middleware: 429 with `Retry-After` once an address exceeds its quota.
pub async fn auth_rate_limit(
    State(limit): State<Arc<AuthRateLimit>>,
    request: Request,
    next: Next,
) -> Response {
    if !request.uri().path().starts_with("/api/auth/") {
        return next.run(request).await;
    }
    let ip = request
        .extensions()
        .get::<ClientIp>()
        .map(|ip| ip.0)
        .or_else(|| {
            request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|info| info.0.ip())
        });
    let Some(ip) = ip else {
        return next.run(request).await;
    };
    match limit.limiter.check_key(&ip) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            tracing::warn!(retry_after_secs = seconds, "auth rate limit reached");
            let mut response = (
                StatusCode::TOO_MANY_REQUESTS,
                Json(ErrorResponse::new(
                    "rate_limited",
                    "too many sign-in attempts from this address; wait and try again",
                )),
            )
                .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
            response
        }
    }
}

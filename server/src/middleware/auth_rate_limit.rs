//! A per-IP rate limit on the functions that guess secrets or cost a stored session:
//! sign-in, registration, password change and the single sign-on routes. Password
//! guessing across many accounts from one address hits this before it hits any account's
//! lockout. Reads (`me`, which every page header calls, the session list…) are not
//! limited: people sharing one address (an office, a NAT) must not use up each other's
//! sign-ins by reading the docs.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::Json;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use domain::client::ClientIp;

use crate::routes::error_body::ErrorResponse;

/// The limiter, shared by every site router.
#[derive(Debug)]
pub struct AuthRateLimit {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
}

/// The paths the limit applies to; everything else passes untouched.
const LIMITED: [&str; 6] = [
    "/api/auth/login",
    "/api/auth/register",
    "/api/auth/change_password",
    app::auth::ssr::oidc::START_PATH,
    app::auth::ssr::oidc::LINK_PATH,
    app::auth::ssr::oidc::CALLBACK_PATH,
];

/// How often addresses whose quota has refilled are forgotten.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

impl AuthRateLimit {
    /// `per_minute` requests per client address, refilled evenly over the minute.
    pub fn per_minute(per_minute: NonZeroU32) -> Self {
        Self {
            limiter: RateLimiter::keyed(Quota::per_minute(per_minute)),
        }
    }

    /// Whether requests to `path` count against the limit.
    pub fn applies_to(path: &str) -> bool {
        LIMITED.contains(&path)
    }

    /// Forgets every address whose quota is full again: without this the map keeps one
    /// entry per address ever seen, and IPv6 clients can bring a new one each time.
    pub fn prune(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }

    /// Addresses currently remembered.
    pub fn len(&self) -> usize {
        self.limiter.len()
    }

    pub fn is_empty(&self) -> bool {
        self.limiter.is_empty()
    }

    /// Prunes `limit` every minute for as long as anything else holds it.
    pub fn spawn_pruning(limit: &Arc<Self>) {
        let weak: Weak<Self> = Arc::downgrade(limit);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(PRUNE_EVERY);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let Some(limit) = weak.upgrade() else {
                    return;
                };
                limit.prune();
            }
        });
    }
}

/// The middleware: 429 with `Retry-After` once an address exceeds its quota.
pub async fn auth_rate_limit(
    State(limit): State<Arc<AuthRateLimit>>,
    request: Request,
    next: Next,
) -> Response {
    if !AuthRateLimit::applies_to(request.uri().path()) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_functions_that_guess_secrets_are_limited() {
        for path in [
            "/api/auth/login",
            "/api/auth/register",
            "/api/auth/change_password",
            "/auth/oidc/start",
            "/auth/oidc/link",
            "/auth/oidc/callback",
        ] {
            assert!(AuthRateLimit::applies_to(path), "{path}");
        }
        for path in [
            "/api/auth/me",
            "/api/auth/sessions",
            "/api/auth/provider",
            "/api/auth/logout",
            "/",
            "/login",
        ] {
            assert!(!AuthRateLimit::applies_to(path), "{path}");
        }
    }

    #[test]
    fn pruning_forgets_addresses_whose_quota_refilled() {
        // A quota that refills in a millisecond, so the test need not wait a minute.
        let limit = AuthRateLimit::per_minute(NonZeroU32::new(60_000).expect("non-zero"));
        for last in 0..=255_u8 {
            let ip = IpAddr::from([2001, 0xdb8, 0, 0, 0, 0, 0, u16::from(last)]);
            assert!(limit.limiter.check_key(&ip).is_ok());
        }
        assert_eq!(limit.len(), 256, "one entry per address seen");
        std::thread::sleep(Duration::from_millis(20));
        limit.prune();
        assert!(limit.is_empty(), "{} addresses kept", limit.len());
    }
}

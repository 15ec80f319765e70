//! What the auth layer needs from the server, handed to every request.

use std::sync::Arc;
use std::time::Duration;

use super::oidc::OidcProvider;
use super::password::HashingGate;
use super::throttle::LockoutPolicy;
use crate::auth::session_store::SessionBackend;
use crate::storage::Database;

/// How long a signed-in session may live.
#[derive(Clone, Copy, Debug)]
pub struct SessionLimits {
    /// Unused for this long, a session expires.
    pub idle: Duration,
    /// However active, a session ends this long after sign-in.
    pub absolute: Duration,
}

impl Default for SessionLimits {
    fn default() -> Self {
        Self {
            idle: Duration::from_secs(2 * 60 * 60),
            absolute: Duration::from_secs(24 * 60 * 60),
        }
    }
}

impl SessionLimits {
    pub fn idle_secs(self) -> i64 {
        i64::try_from(self.idle.as_secs()).unwrap_or(i64::MAX)
    }

    pub fn absolute_secs(self) -> i64 {
        i64::try_from(self.absolute.as_secs()).unwrap_or(i64::MAX)
    }
}

/// The auth layer's handles: provided in the Leptos context of every site and as an
/// axum extension for the plain routes (OIDC callbacks).
#[derive(Clone, Debug)]
pub struct AuthContext {
    pub database: Database,
    pub sessions: SessionBackend,
    pub limits: SessionLimits,
    pub lockout: LockoutPolicy,
    /// The identity provider, when one is configured.
    pub oidc: Option<Arc<OidcProvider>>,
    /// Bounds concurrent password hashing.
    pub hashing: HashingGate,
}

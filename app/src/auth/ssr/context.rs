//! What the auth layer needs from the server, handed to every request.

use std::sync::Arc;

use super::oidc::OidcProvider;
use super::password::HashingGate;
use super::throttle::LockoutPolicy;
use domain::sessions::SessionBackend;
use domain::storage::Database;

pub use domain::sessions::SessionLimits;

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

//! What the auth layer needs from the server, handed to every request.

use std::sync::Arc;

use super::password::HashingGate;
use super::throttle::LockoutPolicy;
use crate::oidc::OidcProvider;
use crate::sessions::SessionBackend;
use crate::storage::Database;

pub use crate::sessions::SessionLimits;

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

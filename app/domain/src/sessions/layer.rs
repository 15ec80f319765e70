//! The session cookie and its lifetime.

use std::time::Duration;

use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

use super::store::SessionBackend;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "lp_session";

/// How sessions behave; built from the server configuration.
#[derive(Clone, Debug)]
pub struct SessionSettings {
    /// Production: `Secure` cookies scoped to the base domain.
    pub secure: bool,
    /// `Domain=` for the cookie so every site shares it; `None` keeps it host-only.
    pub cookie_domain: Option<String>,
    /// A session unused for this long expires.
    pub idle_timeout: Duration,
}

/// The tower-sessions layer every site router is wrapped in.
pub fn session_layer(
    store: SessionBackend,
    settings: &SessionSettings,
) -> SessionManagerLayer<SessionBackend> {
    let idle = tower_sessions::cookie::time::Duration::seconds(
        i64::try_from(settings.idle_timeout.as_secs()).unwrap_or(i64::MAX),
    );
    let layer = SessionManagerLayer::new(store)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_secure(settings.secure)
        .with_expiry(Expiry::OnInactivity(idle));
    match &settings.cookie_domain {
        Some(domain) => layer.with_domain(domain.clone()),
        None => layer,
    }
}

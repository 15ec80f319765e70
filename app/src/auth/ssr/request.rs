//! What a server function knows about its caller: the database, the session, the client.

use std::net::SocketAddr;

use leptos::prelude::*;
use tower_sessions::Session;

use super::super::model::AuthError;
use crate::storage::Database;

/// The session key holding the signed-in user's id.
pub const USER_ID_KEY: &str = "user_id";
/// The session key holding when the user signed in (Unix seconds).
pub const SIGNED_IN_AT_KEY: &str = "signed_in_at";

/// How long a signed-in session may live at most, however active; provided in context.
#[derive(Clone, Copy, Debug)]
pub struct AbsoluteSessionTimeout(pub std::time::Duration);

impl Default for AbsoluteSessionTimeout {
    fn default() -> Self {
        Self(std::time::Duration::from_secs(24 * 60 * 60))
    }
}

/// Where a request came from, for the audit log.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// The request-scoped handles an auth function works with.
pub struct AuthRequest {
    pub database: Database,
    pub session: Session,
    pub client: ClientInfo,
}

impl AuthRequest {
    pub async fn current() -> Result<Self, AuthError> {
        let database = use_context::<Database>().ok_or_else(|| {
            tracing::error!("no database in the server function context");
            AuthError::Internal
        })?;
        let session = leptos_axum::extract::<Session>().await.map_err(|err| {
            tracing::error!(error = %err, "no session layer in front of a server function");
            AuthError::Internal
        })?;
        let client = use_context::<http::request::Parts>()
            .map(|parts| ClientInfo {
                ip: parts
                    .extensions
                    .get::<axum::extract::ConnectInfo<SocketAddr>>()
                    .map(|info| info.0.ip().to_string()),
                user_agent: parts
                    .headers
                    .get(http::header::USER_AGENT)
                    .and_then(|value| value.to_str().ok())
                    .map(|value| value.chars().take(512).collect()),
            })
            .unwrap_or_default();
        Ok(Self {
            database,
            session,
            client,
        })
    }

    /// The signed-in user's id, if the session has one and it has not outlived the
    /// absolute timeout (an expired one is destroyed on the spot).
    pub async fn user_id(&self) -> Result<Option<String>, AuthError> {
        let read = |err: tower_sessions::session::Error| internal("reading the session", &err);
        let Some(user_id) = self
            .session
            .get::<String>(USER_ID_KEY)
            .await
            .map_err(read)?
        else {
            return Ok(None);
        };
        let signed_in_at = self
            .session
            .get::<i64>(SIGNED_IN_AT_KEY)
            .await
            .map_err(read)?;
        let limit = use_context::<AbsoluteSessionTimeout>()
            .unwrap_or_default()
            .0;
        let limit = i64::try_from(limit.as_secs()).unwrap_or(i64::MAX);
        let expired = signed_in_at.is_none_or(|at| chrono::Utc::now().timestamp() - at >= limit);
        if expired {
            self.session
                .flush()
                .await
                .map_err(|err| internal("ending an expired session", &err))?;
            return Ok(None);
        }
        Ok(Some(user_id))
    }
}

/// Logs an internal failure and turns it into the opaque error clients see.
pub fn internal(what: &str, err: &dyn std::fmt::Display) -> AuthError {
    tracing::error!(error = %err, "{what} failed");
    AuthError::Internal
}

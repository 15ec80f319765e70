//! What a server function knows about its caller: the database, the session, the client.

use std::net::SocketAddr;

use leptos::prelude::*;
use tower_sessions::Session;

use super::super::model::AuthError;
use crate::storage::Database;

/// The session key holding the signed-in user's id.
pub const USER_ID_KEY: &str = "user_id";

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

    /// The signed-in user's id, if the session has one.
    pub async fn user_id(&self) -> Result<Option<String>, AuthError> {
        self.session
            .get::<String>(USER_ID_KEY)
            .await
            .map_err(|err| internal("reading the session", &err))
    }
}

/// Logs an internal failure and turns it into the opaque error clients see.
pub fn internal(what: &str, err: &dyn std::fmt::Display) -> AuthError {
    tracing::error!(error = %err, "{what} failed");
    AuthError::Internal
}

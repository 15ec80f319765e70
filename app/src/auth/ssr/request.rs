//! What an auth function knows about its caller: the auth context, the session, the client.

use crate::errors::ServerFnFailure as _;
use leptos::prelude::*;
use tower_sessions::Session;

use super::super::model::AuthError;
use domain::accounts::context::AuthContext;
use domain::audit::{self, AuditAction};
use domain::sessions::registry;
use domain::storage::Database;

/// The session key holding the signed-in user's id.
pub const USER_ID_KEY: &str = "user_id";
/// The session key holding when the user signed in (Unix seconds).
pub const SIGNED_IN_AT_KEY: &str = "signed_in_at";
/// The session key holding this session's row in the registry.
pub const HANDLE_KEY: &str = "handle";
/// The session key written when the session is used, so the idle expiry moves forward.
const LAST_SEEN_KEY: &str = "last_seen_at";

pub use domain::client::{ClientInfo, ClientIp};

/// A signed-in session: whose it is and which registry row it has.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user_id: String,
    pub handle: String,
}

/// The request-scoped handles an auth function works with.
#[derive(Clone)]
pub struct AuthRequest {
    pub context: AuthContext,
    pub session: Session,
    pub client: ClientInfo,
}

impl AuthRequest {
    /// The caller of the running server function.
    pub async fn current() -> Result<Self, AuthError> {
        let context = use_context::<AuthContext>().ok_or_else(|| {
            tracing::error!("no auth context in the server function context");
            AuthError::Internal
        })?;
        // Every context is read before the first await: a server function called while a
        // page renders on the server sees the page's context only until it yields.
        let client = use_context::<http::request::Parts>()
            .map(|parts| ClientInfo::from_parts(&parts))
            .unwrap_or_default();
        let session = leptos_axum::extract::<Session>().await.map_err(|err| {
            tracing::error!(error = %err, "no session layer in front of a server function");
            AuthError::Internal
        })?;
        Ok(Self {
            context,
            session,
            client,
        })
    }

    pub const fn database(&self) -> &Database {
        &self.context.database
    }

    /// The signed-in user's id, if the session is signed in and still valid.
    pub async fn user_id(&self) -> Result<Option<String>, AuthError> {
        Ok(self.signed_in().await?.map(|signed_in| signed_in.user_id))
    }

    /// The signed-in session, if there is one that is still valid: within the absolute
    /// and idle timeouts and still in the registry. Anything else is destroyed on the spot.
    pub async fn signed_in(&self) -> Result<Option<SignedIn>, AuthError> {
        let read =
            |err: tower_sessions::session::Error| AuthError::internal("reading the session", &err);
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
        let handle = self.session.get::<String>(HANDLE_KEY).await.map_err(read)?;
        let now = domain::clock::now();
        let limits = self.context.limits;
        let (Some(signed_in_at), Some(handle)) = (signed_in_at, handle) else {
            self.end_current_session().await?;
            return Ok(None);
        };
        if now - signed_in_at >= limits.absolute_secs() {
            self.end_current_session().await?;
            return Ok(None);
        }
        let entry = registry::find(self.database(), &handle)
            .await
            .map_err(|err| AuthError::internal("reading the session registry", &err))?;
        let Some(entry) = entry.filter(|entry| {
            entry.user_id == user_id && now - entry.last_seen_at < limits.idle_secs()
        }) else {
            self.end_current_session().await?;
            return Ok(None);
        };
        if entry.renew_id {
            self.renew_id(&handle).await?;
        }
        // Often enough that the idle timeout counts from the last use, give or take.
        let touch_every = registry::TOUCH_INTERVAL_SECS.min(limits.idle_secs() / 4);
        if now - entry.last_seen_at >= touch_every {
            registry::touch(self.database(), &handle, &self.client)
                .await
                .map_err(|err| AuthError::internal("recording session activity", &err))?;
            // A write makes the session layer save the record, which moves its expiry.
            self.session
                .insert(LAST_SEEN_KEY, now)
                .await
                .map_err(|err| AuthError::internal("writing a session", &err))?;
        }
        Ok(Some(SignedIn { user_id, handle }))
    }

    /// Writes an audit entry about something the user did to their own account.
    pub async fn audit_own(&self, action: AuditAction, user_id: &str, details: serde_json::Value) {
        audit::record(
            self.database(),
            action,
            Some(user_id),
            Some(user_id),
            &self.client,
            details,
        )
        .await;
    }

    /// Writes an audit entry nobody signed in caused (a failed sign-in, a lockout).
    pub async fn audit_about(
        &self,
        action: AuditAction,
        subject: Option<&str>,
        details: serde_json::Value,
    ) {
        audit::record(
            self.database(),
            action,
            None,
            subject,
            &self.client,
            details,
        )
        .await;
    }

    /// Starts a signed-in session for `user_id` under a fresh session id (no fixation) and
    /// returns its registry handle. Whatever session the request had before is ended,
    /// including its registry row.
    pub async fn start_session(&self, user_id: &str) -> Result<String, AuthError> {
        self.forget_registry_row().await?;
        let write =
            |err: tower_sessions::session::Error| AuthError::internal("writing a session", &err);
        self.session.cycle_id().await.map_err(write)?;
        self.session.clear().await;
        let handle = uuid::Uuid::new_v4().to_string();
        self.session
            .insert(USER_ID_KEY, user_id)
            .await
            .map_err(write)?;
        self.session
            .insert(SIGNED_IN_AT_KEY, domain::clock::now())
            .await
            .map_err(write)?;
        self.session
            .insert(HANDLE_KEY, &handle)
            .await
            .map_err(write)?;
        let session_id = self.saved_session_id().await?;
        registry::insert(self.database(), &handle, &session_id, user_id, &self.client)
            .await
            .map_err(|err| AuthError::internal("registering a session", &err))?;
        Ok(handle)
    }

    /// Completes a sign-in, however it was proven: a fresh session, the last sign-in time,
    /// the audit entry (`details` says how).
    pub async fn sign_in(
        &self,
        user_id: &str,
        details: serde_json::Value,
    ) -> Result<(), AuthError> {
        self.start_session(user_id).await?;
        domain::accounts::users::record_sign_in(self.database(), user_id)
            .await
            .map_err(|err| AuthError::internal("recording a sign-in", &err))?;
        self.audit_own(AuditAction::SignIn, user_id, details).await;
        Ok(())
    }

    /// Removes the request's own session from the registry, if it has a row there.
    async fn forget_registry_row(&self) -> Result<(), AuthError> {
        let handle = self
            .session
            .get::<String>(HANDLE_KEY)
            .await
            .map_err(|err| AuthError::internal("reading the session", &err))?;
        if let Some(handle) = handle {
            registry::remove_handle(self.database(), &handle)
                .await
                .map_err(|err| AuthError::internal("ending a session", &err))?;
        }
        Ok(())
    }

    /// Ends the request's own session: registry row, stored record and cookie.
    pub async fn end_current_session(&self) -> Result<(), AuthError> {
        self.forget_registry_row().await?;
        self.session
            .flush()
            .await
            .map_err(|err| AuthError::internal("ending a session", &err))
    }

    /// Gives the signed-in session a new id, keeping its data (after a role change).
    async fn renew_id(&self, handle: &str) -> Result<(), AuthError> {
        self.session
            .cycle_id()
            .await
            .map_err(|err| AuthError::internal("renewing a session id", &err))?;
        let session_id = self.saved_session_id().await?;
        registry::renewed(self.database(), handle, &session_id)
            .await
            .map_err(|err| AuthError::internal("renewing a session id", &err))
    }

    /// Saves the session now, so its (new) id is known.
    async fn saved_session_id(&self) -> Result<String, AuthError> {
        self.session
            .save()
            .await
            .map_err(|err| AuthError::internal("saving a session", &err))?;
        self.session
            .id()
            .map(|id| id.to_string())
            .ok_or_else(|| AuthError::internal("saving a session", &"the saved session has no id"))
    }
}

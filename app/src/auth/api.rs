//! The auth server functions, with stable endpoints under `/api/auth/`.
//!
//! They take form-encoded bodies, so the sign-in and register forms also work as plain
//! HTML forms without JavaScript. Errors are typed ([`AuthError`]) and answered with a
//! matching HTTP status (see [`crate::errors`]).

use leptos::prelude::*;

use super::model::{AuthError, CurrentUser, ProviderLinks, SessionInfo};
#[cfg(feature = "ssr")]
use crate::errors::with_status;

/// Creates an account, unless the email already has one. The answer is the same either
/// way and signs nobody in, so it cannot tell anyone which emails are registered: the
/// new owner signs in next, with the password they chose.
#[server(prefix = "/api", endpoint = "auth/register")]
pub async fn register(
    email: String,
    password: String,
    display_name: String,
) -> Result<(), AuthError> {
    with_status(super::ssr::handlers::register(email, password, display_name).await)
}

/// Signs in with email and password. Unknown emails and wrong passwords get the same
/// answer after the same amount of work.
#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(email: String, password: String) -> Result<CurrentUser, AuthError> {
    with_status(super::ssr::handlers::login(email, password).await)
}

/// Signs out: the server-side session is destroyed and the cookie cleared.
#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AuthError> {
    with_status(super::ssr::handlers::logout().await)
}

/// The signed-in user, or `None`. Every site's header calls it.
#[server(prefix = "/api", endpoint = "auth/me")]
pub async fn me() -> Result<Option<CurrentUser>, AuthError> {
    with_status(super::ssr::handlers::me().await)
}

/// Changes the signed-in user's password and gives the session a new id.
#[server(prefix = "/api", endpoint = "auth/change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AuthError> {
    with_status(super::ssr::handlers::change_password(current_password, new_password).await)
}

/// Changes the signed-in user's display name.
#[server(prefix = "/api", endpoint = "auth/update_profile")]
pub async fn update_profile(display_name: String) -> Result<CurrentUser, AuthError> {
    with_status(super::ssr::handlers::update_profile(display_name).await)
}

/// The signed-in user's sessions, the current one marked.
#[server(prefix = "/api", endpoint = "auth/sessions")]
pub async fn sessions() -> Result<Vec<SessionInfo>, AuthError> {
    with_status(super::ssr::handlers::sessions().await)
}

/// Ends one of the signed-in user's sessions (by the `id` from `sessions`).
#[server(prefix = "/api", endpoint = "auth/end_session")]
pub async fn end_session(id: String) -> Result<(), AuthError> {
    with_status(super::ssr::handlers::end_session(id).await)
}

/// Ends every session of the signed-in user but this one; answers how many ended.
#[server(prefix = "/api", endpoint = "auth/end_other_sessions")]
pub async fn end_other_sessions() -> Result<u32, AuthError> {
    with_status(super::ssr::handlers::end_other_sessions().await)
}

/// The identity provider's name for the "Sign in with …" button, if one is configured.
#[server(prefix = "/api", endpoint = "auth/provider")]
pub async fn sign_in_provider() -> Result<Option<String>, AuthError> {
    let context =
        use_context::<domain::accounts::context::AuthContext>().ok_or(AuthError::Internal)?;
    Ok(context
        .oidc
        .as_ref()
        .map(|provider| provider.settings.display_name.clone()))
}

/// The configured provider and the identities of it linked to the signed-in user.
#[server(prefix = "/api", endpoint = "auth/linked_identities")]
pub async fn linked_identities() -> Result<ProviderLinks, AuthError> {
    with_status(super::ssr::oidc::linked_identities().await)
}

//! The one guard every server function and route uses to check who is calling.

use super::super::model::{AuthError, Role};
use super::request::AuthRequest;
use crate::errors::ServerFnFailure as _;
use domain::accounts::users::{self, UserRecord};

/// A signed-in, active caller.
pub struct Caller {
    pub request: AuthRequest,
    pub user: UserRecord,
    /// This session's registry handle.
    pub handle: String,
}

impl Caller {
    pub fn is_admin(&self) -> bool {
        self.user.role() == Role::Admin
    }
}

/// The caller of the running server function, who must be signed in.
pub async fn require_user() -> Result<Caller, AuthError> {
    require_user_in(AuthRequest::current().await?).await
}

/// The caller of the running server function, who must be a signed-in administrator.
pub async fn require_admin() -> Result<Caller, AuthError> {
    let caller = require_user().await?;
    if caller.is_admin() {
        Ok(caller)
    } else {
        Err(AuthError::Forbidden)
    }
}

/// [`require_user`] for a request already at hand (plain axum routes).
pub async fn require_user_in(request: AuthRequest) -> Result<Caller, AuthError> {
    let (request, user) = optional_user_in(request).await?;
    let (user, handle) = user.ok_or(AuthError::Unauthenticated)?;
    Ok(Caller {
        request,
        user,
        handle,
    })
}

/// The signed-in user and their session handle, if any. A session whose account was
/// disabled or deleted is ended here.
pub async fn optional_user_in(
    request: AuthRequest,
) -> Result<(AuthRequest, Option<(UserRecord, String)>), AuthError> {
    let Some(signed_in) = request.signed_in().await? else {
        return Ok((request, None));
    };
    let user = users::find_by_id(request.database(), &signed_in.user_id)
        .await
        .map_err(|err| AuthError::internal("loading the signed-in user", &err))?;
    match user {
        Some(user) if user.is_active() => Ok((request, Some((user, signed_in.handle)))),
        _ => {
            request.end_current_session().await?;
            Ok((request, None))
        }
    }
}

//! The one guard every server function and route uses to check who is calling.

use std::sync::Arc;

use leptos::prelude::use_context;
use tokio::sync::OnceCell;

use super::super::model::{AuthError, Role};
use super::request::AuthRequest;
use crate::errors::ServerFnFailure as _;
use domain::accounts::users::{self, UserRecord};

/// The signed-in user and their session handle, as [`optional_user_in`] found them.
type SignedInUser = Option<(Arc<UserRecord>, String)>;

/// Who signed the current request in, found once per request: a page rendered on the
/// server calls several server functions (the header's, the guard's, the page's own), and
/// each would otherwise read the session registry and the user again. Provided fresh for
/// every request the sites serve; concurrent first readers wait for the one looking.
#[derive(Clone, Default)]
pub struct RequestCaller(Arc<OnceCell<SignedInUser>>);

/// A signed-in, active caller.
pub struct Caller {
    pub request: AuthRequest,
    pub user: Arc<UserRecord>,
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
    let (request, user) = optional_user().await?;
    signed_in_caller(request, user)
}

/// The caller, if someone is signed in; otherwise the request is refused as anonymous.
fn signed_in_caller(request: AuthRequest, user: SignedInUser) -> Result<Caller, AuthError> {
    let (user, handle) = user.ok_or(AuthError::Unauthenticated)?;
    Ok(Caller {
        request,
        user,
        handle,
    })
}

/// The caller of the running server function and who they are signed in as, if anyone:
/// looked up once per request (see [`RequestCaller`]).
pub async fn optional_user() -> Result<(AuthRequest, SignedInUser), AuthError> {
    // Read before the first await, like every context a server function uses.
    let memo = use_context::<RequestCaller>();
    let request = AuthRequest::current().await?;
    let Some(RequestCaller(memo)) = memo else {
        return optional_user_in(request).await;
    };
    let user = memo
        .get_or_try_init(|| async {
            optional_user_in(request.clone())
                .await
                .map(|(_, user)| user)
        })
        .await?
        .clone();
    Ok((request, user))
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
    signed_in_caller(request, user)
}

/// The signed-in user and their session handle, if any. A session whose account was
/// disabled or deleted is ended here.
pub async fn optional_user_in(
    request: AuthRequest,
) -> Result<(AuthRequest, SignedInUser), AuthError> {
    let Some(signed_in) = request.signed_in().await? else {
        return Ok((request, None));
    };
    let user = users::find_by_id(request.database(), &signed_in.user_id)
        .await
        .map_err(|err| AuthError::internal("loading the signed-in user", &err))?;
    match user {
        Some(user) if user.is_active() => Ok((request, Some((Arc::new(user), signed_in.handle)))),
        _ => {
            request.end_current_session().await?;
            Ok((request, None))
        }
    }
}

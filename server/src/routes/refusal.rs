//! What the beta and admin hosts' plain routes (results downloads, the live stream) answer
//! when they refuse: a stable `code` and a message for people, as the server functions
//! do; and the signed-in caller those routes need.

use app::auth::model::AuthError;
use app::auth::ssr::guard::{Caller, require_user_in};
use app::auth::ssr::request::{AuthRequest, ClientInfo};
use axum::Json;
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tower_sessions::Session;

use crate::state::AppState;

#[derive(Debug, Serialize)]
struct Refusal {
    code: &'static str,
    message: String,
}

pub fn refuse(status: StatusCode, code: &'static str, message: impl Into<String>) -> Response {
    let body = Refusal {
        code,
        message: message.into(),
    };
    (status, Json(body)).into_response()
}

/// The signed-in caller of a plain route, or the refusal to send: `401 unauthenticated`
/// with `signed_out` as its message, or a 500 whose cause the guard has logged.
pub async fn signed_in(
    state: &AppState,
    session: Session,
    extensions: &Extensions,
    headers: &HeaderMap,
    signed_out: &'static str,
) -> Result<Caller, Response> {
    let request = AuthRequest {
        context: state.auth().clone(),
        session,
        client: ClientInfo::from_request(extensions, headers),
    };
    match require_user_in(request).await {
        Ok(caller) => Ok(caller),
        Err(AuthError::Unauthenticated) => Err(refuse(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            signed_out,
        )),
        Err(_) => Err(refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server failed; retry later",
        )),
    }
}

//! `GET /api/profile/export`: the signed-in caller's profile as a JSON Resume file, for the
//! editor's download link.
//!
//! A plain route rather than a server function: its answer is a document to save, not a
//! value for the app, and as a server function the browser bundle would carry a decoder
//! for arbitrary JSON that nothing in it uses.

use app::profiles::EXPORT_PATH;
use app::site::Site;
use axum::Router;
use axum::extract::State;
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::profiles;
use tower_sessions::Session;

use super::download::as_attachment;
use super::refusal::{refuse, signed_in};
use crate::state::AppState;

pub fn routes(state: &AppState) -> Router {
    Router::new()
        .route(EXPORT_PATH, get(export))
        .with_state(state.clone())
}

async fn export(
    State(state): State<AppState>,
    session: Session,
    extensions: Extensions,
    headers: HeaderMap,
) -> Response {
    let caller = match signed_in(
        &state,
        session,
        &extensions,
        &headers,
        "Sign in to export your profile.",
    )
    .await
    {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    let profile = match profiles::mine(state.database(), &caller.user.id).await {
        Ok(Some(profile)) => profile,
        Ok(None) => {
            return refuse(
                StatusCode::NOT_FOUND,
                "not_found",
                "You have no profile to export yet.",
            );
        }
        Err(err) => {
            err.log_cause();
            let (status, code) = if err.is_unavailable() {
                (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
            } else {
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            };
            return refuse(status, code, "The export failed. Try again in a moment.");
        }
    };
    let url = state
        .urls()
        .url(Site::Beta, &format!("/u/{}", profile.handle));
    let document = profiles::resume::export(&profile, &url);
    let mut response = axum::Json(document).into_response();
    as_attachment(&mut response, &format!("{}.resume.json", profile.handle));
    response
}

//! What every edge handler shares: the typed error response, the caller's credential and
//! JSON bodies whose rejections are typed errors too.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use domain::client::ClientIp;
use domain::fleet::FleetError;
use domain::fleet::workers::{self, AuthenticatedWorker};
use edge_protocol::api::{ApiError, ErrorCode};
use serde::de::DeserializeOwned;

use crate::state::AppState;

/// An edge API failure, answered as `{code, message}` with the code's status.
#[derive(Debug)]
pub struct EdgeError(pub ApiError);

impl EdgeError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self(ApiError::new(code, message))
    }
}

impl From<FleetError> for EdgeError {
    fn from(err: FleetError) -> Self {
        Self(err.to_api_error())
    }
}

impl IntoResponse for EdgeError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self.0)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

pub type EdgeResult<T> = Result<T, EdgeError>;

/// The bearer token of a request, if it has one.
pub fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The calling worker, authenticated by its credential.
pub struct Worker(pub AuthenticatedWorker);

impl FromRequestParts<AppState> for Worker {
    type Rejection = EdgeError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> EdgeResult<Self> {
        let worker = workers::authenticate(state.edge(), bearer(parts)).await?;
        Ok(Self(worker))
    }
}

/// The client's address, as the client-ip middleware resolved it.
pub struct ClientAddress(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ClientIp>()
                .map(|ip| ip.0.to_string()),
        ))
    }
}

/// A JSON body; a malformed one is a `validation` error naming what is wrong.
pub struct Body<T>(pub T);

impl<T, S> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = EdgeError;

    async fn from_request(request: Request, state: &S) -> EdgeResult<Self> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejected(&rejection)),
        }
    }
}

fn rejected(rejection: &JsonRejection) -> EdgeError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => EdgeError::new(
            ErrorCode::Validation,
            "send the body as JSON with `Content-Type: application/json`",
        ),
        JsonRejection::BytesRejection(_) => EdgeError::new(
            ErrorCode::PayloadTooLarge,
            "the body is too large or could not be read",
        ),
        // Serde's message names the field and position in the caller's own JSON.
        other => EdgeError::new(ErrorCode::Validation, other.body_text()),
    }
}

/// The `{id}` of a task path; anything but a UUID is `validation`, like any bad input.
pub struct TaskId(pub uuid::Uuid);

impl<S: Send + Sync> FromRequestParts<S> for TaskId {
    type Rejection = EdgeError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> EdgeResult<Self> {
        match axum::extract::Path::<uuid::Uuid>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(Self(id)),
            Err(_) => Err(EdgeError::new(
                ErrorCode::Validation,
                "the task id in the path must be a UUID",
            )),
        }
    }
}

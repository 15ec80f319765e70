//! What the fleet's server functions return (the shapes come from the `app-model` crate,
//! which the server-side domain shares) and how they fail.

use serde::{Deserialize, Serialize};

use app_model::auth::FieldError;
pub use app_model::fleet::*;

use crate::auth::model::AuthError;
use crate::errors::ServerFnFailure;

/// Every way a fleet server function can fail, with a stable `code` for clients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FleetError {
    /// Some fields are invalid; each carries its own message.
    #[error("Check the highlighted fields.")]
    InvalidInput { fields: Vec<FieldError> },
    /// The request needs a signed-in user.
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// The signed-in user may not do this.
    #[error("Your account is not allowed to do this.")]
    Forbidden,
    /// The token, worker, dataset or task does not exist, or is not the caller's to see.
    #[error("This no longer exists.")]
    NotFound,
    /// The request does not fit the current state (cancelling a task that has ended).
    #[error("{message}")]
    Conflict { message: String },
    /// The server is saturated; the request was not attempted.
    #[error("The server is busy. Try again in {retry_after_secs} seconds.")]
    Busy { retry_after_secs: u64 },
    /// A storage dependency is down; retrying later may work.
    #[error("The fleet is unavailable right now. Try again in a moment.")]
    Unavailable,
    /// Something failed on the server; details are in its logs, not here.
    #[error("Something went wrong on our side. Try again in a moment.")]
    Internal,
    /// The request did not reach the function (network, encoding).
    #[error("The request failed: {message}")]
    Request { message: String },
}

impl ServerFnFailure for FleetError {
    const INTERNAL: Self = Self::Internal;

    fn invalid(fields: Vec<FieldError>) -> Self {
        Self::InvalidInput { fields }
    }

    fn field_errors(&self) -> &[FieldError] {
        match self {
            Self::InvalidInput { fields } => fields,
            _ => &[],
        }
    }

    #[cfg(feature = "ssr")]
    fn status_code(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::InvalidInput { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Busy { .. } | Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Request { .. } => StatusCode::BAD_REQUEST,
        }
    }

    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::Busy { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }
}

/// The guards' answers (not signed in) as the fleet's.
impl From<AuthError> for FleetError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::Unauthenticated => Self::Unauthenticated,
            AuthError::Forbidden => Self::Forbidden,
            AuthError::NotFound => Self::NotFound,
            AuthError::InvalidInput { fields } => Self::InvalidInput { fields },
            AuthError::Conflict { message } => Self::Conflict { message },
            AuthError::Busy { retry_after_secs } => Self::Busy { retry_after_secs },
            AuthError::Request { message } => Self::Request { message },
            AuthError::WrongCredentials
            | AuthError::TooManyAttempts { .. }
            | AuthError::Internal => Self::Internal,
        }
    }
}

/// The fleet domain's failures as the app answers them: a refusal keeps its meaning (and
/// its field, for forms); a storage failure is logged by the domain and sent only as its
/// kind.
#[cfg(feature = "ssr")]
impl From<domain::fleet::FleetError> for FleetError {
    fn from(err: domain::fleet::FleetError) -> Self {
        use edge_protocol::api::ErrorCode;
        let code = err.code();
        let domain::fleet::FleetError::Refused { message, field, .. } = err else {
            err.log_cause();
            return if code == ErrorCode::Unavailable {
                Self::Unavailable
            } else {
                Self::Internal
            };
        };
        match code {
            ErrorCode::NotFound => Self::NotFound,
            ErrorCode::Forbidden => Self::Forbidden,
            ErrorCode::Conflict => Self::Conflict { message },
            _ => Self::field(field.unwrap_or("form"), message),
        }
    }
}

crate::server_fn_error!(FleetError);

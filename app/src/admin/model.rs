//! What the admin section's server functions return (the shapes come from the `app-model`
//! crate, which the server-side domain shares) and how they fail.

use serde::{Deserialize, Serialize};

pub use app_model::admin::*;
use app_model::auth::FieldError;

use crate::auth::model::AuthError;
use crate::errors::ServerFnFailure;

/// Every way an admin server function can fail, with a stable `code` for clients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AdminError {
    /// Some fields (or filters) are invalid; each carries its own message.
    #[error("Check the highlighted fields.")]
    InvalidInput { fields: Vec<FieldError> },
    /// The request needs a signed-in administrator.
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// The signed-in user is not an administrator.
    #[error("Your account is not allowed to do this.")]
    Forbidden,
    /// The account asked for does not exist.
    #[error("This account no longer exists.")]
    NotFound,
    /// The server is saturated; the request was not attempted.
    #[error("The server is busy. Try again in {retry_after_secs} seconds.")]
    Busy { retry_after_secs: u64 },
    /// Something failed on the server; details are in its logs, not here.
    #[error("Something went wrong on our side. Try again in a moment.")]
    Internal,
    /// The request did not reach the function (network, encoding).
    #[error("The request failed: {message}")]
    Request { message: String },
}

impl ServerFnFailure for AdminError {
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
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
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

/// The guards' answers (not signed in, not an administrator) as the admin section's.
impl From<AuthError> for AdminError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::Unauthenticated => Self::Unauthenticated,
            AuthError::Forbidden => Self::Forbidden,
            AuthError::NotFound => Self::NotFound,
            AuthError::InvalidInput { fields } => Self::InvalidInput { fields },
            AuthError::Busy { retry_after_secs } => Self::Busy { retry_after_secs },
            AuthError::Request { message } => Self::Request { message },
            AuthError::WrongCredentials
            | AuthError::Conflict { .. }
            | AuthError::TooManyAttempts { .. }
            | AuthError::Internal => Self::Internal,
        }
    }
}

/// The accounts domain's failures as the admin section answers them.
#[cfg(feature = "ssr")]
impl From<domain::accounts::AccountError> for AdminError {
    fn from(err: domain::accounts::AccountError) -> Self {
        use domain::accounts::AccountError;
        match err {
            AccountError::Invalid(fields) => Self::InvalidInput { fields },
            AccountError::NotFound => Self::NotFound,
            AccountError::Busy { retry_after_secs } => Self::Busy { retry_after_secs },
            AccountError::Internal { during, cause } => Self::internal(during, &cause),
        }
    }
}

crate::server_fn_error!(AdminError);

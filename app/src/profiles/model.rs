//! What the profiles' server functions return (the shapes come from `app-model`, which
//! the domain shares) and how they fail.

use serde::{Deserialize, Serialize};

use app_model::auth::FieldError;
pub use app_model::profiles::*;

use crate::auth::model::AuthError;
use crate::errors::ServerFnFailure;

/// Every way a profile server function can fail, with a stable `code` for clients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ProfileError {
    /// Some fields are invalid; each carries its own message.
    #[error("Check the highlighted fields.")]
    InvalidInput { fields: Vec<FieldError> },
    /// The request needs a signed-in user.
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// The profile or item does not exist, or is not the caller's to see.
    #[error("This profile or item does not exist.")]
    NotFound,
    /// The request does not fit the profile as it is.
    #[error("{message}")]
    Conflict { message: String },
    /// The database is down; retrying later may work.
    #[error("Profiles are unavailable right now. Try again in a moment.")]
    Unavailable,
    /// Something failed on the server; details are in its logs, not here.
    #[error("Something went wrong on our side. Try again in a moment.")]
    Internal,
    /// The request did not reach the function (network, encoding).
    #[error("The request failed: {message}")]
    Request { message: String },
}

impl ServerFnFailure for ProfileError {
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
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Request { .. } => StatusCode::BAD_REQUEST,
        }
    }
}

/// The guard's answers (not signed in) as the profiles'.
impl From<AuthError> for ProfileError {
    fn from(err: AuthError) -> Self {
        match err {
            AuthError::Unauthenticated => Self::Unauthenticated,
            AuthError::NotFound | AuthError::Forbidden => Self::NotFound,
            AuthError::InvalidInput { fields } => Self::InvalidInput { fields },
            AuthError::Conflict { message } => Self::Conflict { message },
            AuthError::Request { message } => Self::Request { message },
            AuthError::Busy { .. } => Self::Unavailable,
            AuthError::WrongCredentials
            | AuthError::TooManyAttempts { .. }
            | AuthError::Internal => Self::Internal,
        }
    }
}

/// The domain's failures as the app answers them; a storage failure is logged here, once.
#[cfg(feature = "ssr")]
impl From<domain::profiles::ProfileError> for ProfileError {
    fn from(err: domain::profiles::ProfileError) -> Self {
        use domain::profiles::ProfileError as Domain;
        match err {
            Domain::Invalid(fields) => Self::InvalidInput { fields },
            Domain::NotFound(_) => Self::NotFound,
            Domain::Conflict(message) => Self::Conflict { message },
            Domain::Storage { .. } => {
                err.log_cause();
                if err.is_unavailable() {
                    Self::Unavailable
                } else {
                    Self::Internal
                }
            }
        }
    }
}

crate::server_fn_error!(ProfileError);

//! Wire types of the auth layer, shared by the server and the browser.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// What a user may do beyond their own data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Admin => "admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "user" => Some(Self::User),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

/// The signed-in user, as the pages see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

/// A problem with one form field, shown next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// Every way an auth server function can fail, with a stable `code` for clients.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AuthError {
    /// Some fields are invalid; each carries its own message.
    #[error("Check the highlighted fields.")]
    InvalidInput { fields: Vec<FieldError> },
    /// Unknown email or wrong password: deliberately the same answer for both.
    #[error("The email or password is not correct.")]
    WrongCredentials,
    /// The request needs a signed-in user.
    #[error("Sign in to continue.")]
    Unauthenticated,
    /// Something failed on the server; details are in its logs, not here.
    #[error("Something went wrong on our side. Try again in a moment.")]
    Internal,
    /// The request did not reach the function (network, encoding).
    #[error("The request failed: {message}")]
    Request { message: String },
}

impl AuthError {
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::InvalidInput {
            fields: vec![FieldError::new(field, message)],
        }
    }

    /// The message for one field, if this error names it.
    pub fn message_for(&self, field: &str) -> Option<String> {
        match self {
            Self::InvalidInput { fields } => fields
                .iter()
                .find(|f| f.field == field)
                .map(|f| f.message.clone()),
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
impl AuthError {
    /// The HTTP status a response with this error carries.
    pub fn status_code(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            Self::InvalidInput { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Self::WrongCredentials | Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Request { .. } => StatusCode::BAD_REQUEST,
        }
    }
}

impl FromServerFnError for AuthError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Request {
            message: value.to_string(),
        }
    }
}

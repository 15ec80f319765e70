//! [`ClientError`]: every way a call can fail, and what the caller should do about it.
//!
//! The run loop decides between retrying, stopping and reporting from these methods
//! alone, so the rules live here once rather than at every call site.

use edge_protocol::api::{ApiError, ErrorClass, ErrorCode, error_chain};
use reqwest::StatusCode;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// No answer: the connection failed, timed out, or broke mid-body.
    #[error("could not reach the server: {}", error_chain(.0))]
    Network(#[source] reqwest::Error),
    /// The server answered with an error.
    #[error("the server answered {status}: {error}")]
    Api { status: u16, error: ApiError },
    /// The server answered, but not with what the API promises.
    #[error("unexpected answer from the server: {0}")]
    Decode(String),
    /// The server URL would carry the bearer in the clear (see [`crate::transport`]);
    /// nothing was sent.
    #[error("{0}")]
    Insecure(String),
}

impl ClientError {
    /// The API error code, when the server sent one.
    pub const fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api { error, .. } => Some(error.code),
            _ => None,
        }
    }

    /// Whether trying again later can work: the network, a server error, or rate limiting.
    pub const fn is_retryable(&self) -> bool {
        match self {
            Self::Network(_) => true,
            Self::Api { status, .. } => *status == 429 || *status >= 500,
            Self::Decode(_) | Self::Insecure(_) => false,
        }
    }

    /// Whether the agent must stop and ask its owner for help (a refused credential, a
    /// disabled worker): retrying cannot fix it.
    pub const fn is_fatal(&self) -> bool {
        match self.code() {
            Some(code) => code.is_fatal_for_agent(),
            None => false,
        }
    }

    /// The class the connectivity heartbeat reports this error under.
    pub const fn class(&self) -> ErrorClass {
        match self {
            Self::Network(_) => ErrorClass::Network,
            Self::Api { status: 401, .. } => ErrorClass::Auth,
            Self::Api { error, .. } if error.code.is_fatal_for_agent() => ErrorClass::Auth,
            Self::Api { .. } | Self::Decode(_) | Self::Insecure(_) => ErrorClass::Server,
        }
    }
}

impl From<reqwest::Error> for ClientError {
    fn from(err: reqwest::Error) -> Self {
        Self::Network(err)
    }
}

/// An API error for a status that came without a `{code, message}` body (a proxy's 502,
/// say), so callers can branch on one type either way.
pub(super) fn code_for_status(status: StatusCode) -> ErrorCode {
    match status.as_u16() {
        401 => ErrorCode::Unauthorized,
        403 => ErrorCode::Forbidden,
        404 => ErrorCode::NotFound,
        409 => ErrorCode::Conflict,
        413 => ErrorCode::PayloadTooLarge,
        429 => ErrorCode::RateLimited,
        500 => ErrorCode::Internal,
        code if code >= 500 => ErrorCode::Unavailable,
        _ => ErrorCode::Validation,
    }
}

//! The one error body every `/edge/v1` call answers with when it fails.

use serde::{Deserialize, Serialize};

/// Stable, machine-readable error codes; agents branch on them, people read `message`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No bearer token, or not one of ours.
    Unauthorized,
    /// The enrollment token is unknown or its secret does not match.
    TokenInvalid,
    /// The enrollment token has expired.
    TokenExpired,
    /// The enrollment token was revoked by its owner.
    TokenRevoked,
    /// The enrollment token has no uses left.
    TokenExhausted,
    /// The credential is unknown or its secret does not match.
    CredentialInvalid,
    /// The credential was revoked; the agent must be enrolled again.
    CredentialRevoked,
    /// The credential was rotated and its grace period is over.
    CredentialExpired,
    /// The worker's owner disabled it.
    WorkerDisabled,
    /// The worker failed too often; its owner must release it.
    WorkerQuarantined,
    /// The caller may not touch this resource.
    Forbidden,
    /// No such resource (or not one the caller can see).
    NotFound,
    /// The body or a parameter is malformed; `message` says which field.
    Validation,
    /// The request does not fit the resource's state (a lease that was lost, a task that ended).
    Conflict,
    /// The body is larger than the endpoint accepts.
    PayloadTooLarge,
    /// Too many requests; retry later.
    RateLimited,
    /// The server failed; nothing about it is shared. Retry later.
    Internal,
    /// A dependency (database, object store) is unavailable. Retry later.
    Unavailable,
}

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::TokenInvalid => "token_invalid",
            Self::TokenExpired => "token_expired",
            Self::TokenRevoked => "token_revoked",
            Self::TokenExhausted => "token_exhausted",
            Self::CredentialInvalid => "credential_invalid",
            Self::CredentialRevoked => "credential_revoked",
            Self::CredentialExpired => "credential_expired",
            Self::WorkerDisabled => "worker_disabled",
            Self::WorkerQuarantined => "worker_quarantined",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::Validation => "validation",
            Self::Conflict => "conflict",
            Self::PayloadTooLarge => "payload_too_large",
            Self::RateLimited => "rate_limited",
            Self::Internal => "internal",
            Self::Unavailable => "unavailable",
        }
    }

    /// The HTTP status that goes with the code.
    pub const fn status(self) -> u16 {
        match self {
            Self::Unauthorized
            | Self::TokenInvalid
            | Self::TokenExpired
            | Self::TokenRevoked
            | Self::TokenExhausted
            | Self::CredentialInvalid
            | Self::CredentialRevoked
            | Self::CredentialExpired => 401,
            Self::WorkerDisabled | Self::WorkerQuarantined | Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::Validation => 422,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::Unavailable => 503,
        }
    }

    /// Whether an agent should stop and ask for help rather than retry: the credential
    /// or token will not start working by itself.
    pub const fn is_fatal_for_agent(self) -> bool {
        matches!(
            self,
            Self::Unauthorized
                | Self::TokenInvalid
                | Self::TokenExpired
                | Self::TokenRevoked
                | Self::TokenExhausted
                | Self::CredentialInvalid
                | Self::CredentialRevoked
                | Self::CredentialExpired
                | Self::WorkerDisabled
        )
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every failed call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[error("{code}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

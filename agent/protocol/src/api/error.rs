//! The one error body every `/edge/v1` call answers with when it fails.

use serde::{Deserialize, Serialize};

/// Stable, machine-readable error codes; agents branch on them, people read `message`.
/// [`ErrorCode::description`] says what each means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Unauthorized,
    TokenInvalid,
    TokenExpired,
    TokenRevoked,
    TokenExhausted,
    CredentialInvalid,
    CredentialRevoked,
    CredentialExpired,
    WorkerDisabled,
    WorkerQuarantined,
    Forbidden,
    NotFound,
    Validation,
    Conflict,
    PayloadTooLarge,
    RateLimited,
    Internal,
    Unavailable,
}

impl ErrorCode {
    pub const ALL: [Self; 18] = [
        Self::Unauthorized,
        Self::TokenInvalid,
        Self::TokenExpired,
        Self::TokenRevoked,
        Self::TokenExhausted,
        Self::CredentialInvalid,
        Self::CredentialRevoked,
        Self::CredentialExpired,
        Self::WorkerDisabled,
        Self::WorkerQuarantined,
        Self::Forbidden,
        Self::NotFound,
        Self::Validation,
        Self::Conflict,
        Self::PayloadTooLarge,
        Self::RateLimited,
        Self::Internal,
        Self::Unavailable,
    ];

    /// What the code means and what the caller should do.
    pub const fn description(self) -> &'static str {
        match self {
            Self::Unauthorized => {
                "No bearer token, or not one of ours. Send `Authorization: Bearer …`."
            }
            Self::TokenInvalid => "The enrollment token is unknown or its secret does not match.",
            Self::TokenExpired => "The enrollment token has expired; create a new one.",
            Self::TokenRevoked => "The enrollment token was revoked by its owner.",
            Self::TokenExhausted => "The enrollment token has no uses left.",
            Self::CredentialInvalid => {
                "The worker credential is unknown or its secret does not match."
            }
            Self::CredentialRevoked => "The credential was revoked; enrol the agent again.",
            Self::CredentialExpired => {
                "The credential was rotated and its grace period is over; use the new one."
            }
            Self::WorkerDisabled => {
                "The worker's owner disabled it; its calls are refused until it is enabled."
            }
            Self::WorkerQuarantined => {
                "The worker failed too many tasks in a row; it gets no tasks until its owner releases it."
            }
            Self::Forbidden => {
                "The task is not leased to this worker (the lease expired or went to another)."
            }
            Self::NotFound => "No such resource, or not one the caller may see.",
            Self::Validation => {
                "The body or a path parameter is malformed; the message names the field."
            }
            Self::Conflict => {
                "The request does not fit the resource's state: the task has ended, or results are missing."
            }
            Self::PayloadTooLarge => "The body is larger than the endpoint accepts.",
            Self::RateLimited => "Too many requests; retry later.",
            Self::Internal => "The server failed; nothing about it is shared. Retry later.",
            Self::Unavailable => "A storage dependency is unavailable. Retry later.",
        }
    }

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

/// An error and its sources on one line, as both sides log them and as an agent reports its
/// last error in a heartbeat: the top-level message alone ("error sending request") rarely
/// says why (refused, DNS, TLS, which the sources do).
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

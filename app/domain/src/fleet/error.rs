//! The fleet's one error type: a typed API error, or a storage failure whose details stay
//! in the server's log.

use edge_protocol::api::{ApiError, ErrorCode};

use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum FleetError {
    /// Something the caller can act on: a stable code and a message for people.
    #[error("{code}: {message}")]
    Refused {
        code: ErrorCode,
        message: String,
        /// The input field the message is about, for forms.
        field: Option<&'static str>,
    },
    /// The database or object store failed; logged, never shown.
    #[error("{context}: {source}")]
    Storage {
        context: &'static str,
        source: StorageError,
    },
}

impl FleetError {
    pub fn refused(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Refused {
            code,
            message: message.into(),
            field: None,
        }
    }

    /// A validation error about one input field.
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        Self::Refused {
            code: ErrorCode::Validation,
            message: message.into(),
            field: Some(field),
        }
    }

    pub fn not_found(what: &str) -> Self {
        Self::refused(ErrorCode::NotFound, format!("no such {what}"))
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::refused(ErrorCode::Conflict, message)
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Refused { code, .. } => *code,
            Self::Storage { source, .. } => match source.kind {
                crate::storage::StorageErrorKind::Unreachable => ErrorCode::Unavailable,
                _ => ErrorCode::Internal,
            },
        }
    }

    /// Logs a storage failure's detail (a refusal is the caller's business, not the log's).
    /// Whoever turns this error into a response calls it once.
    pub fn log_cause(&self) {
        if let Self::Storage { context, source } = self {
            tracing::error!(error = %source, "fleet: {context}");
        }
    }

    /// The body a client gets. Storage failures are logged here, once, with their detail.
    pub fn to_api_error(&self) -> ApiError {
        match self {
            Self::Refused { code, message, .. } => ApiError::new(*code, message.clone()),
            Self::Storage { .. } => {
                self.log_cause();
                let code = self.code();
                let message = if code == ErrorCode::Unavailable {
                    "a storage dependency is unavailable; retry later"
                } else {
                    "the server failed; retry later"
                };
                ApiError::new(code, message)
            }
        }
    }
}

/// Adds what the server was doing to a storage error.
pub trait StorageContext<T> {
    fn during(self, context: &'static str) -> Result<T, FleetError>;
}

impl<T> StorageContext<T> for Result<T, StorageError> {
    fn during(self, context: &'static str) -> Result<T, FleetError> {
        self.map_err(|source| FleetError::Storage { context, source })
    }
}

impl<T> StorageContext<T> for Result<T, sqlx::Error> {
    fn during(self, context: &'static str) -> Result<T, FleetError> {
        self.map_err(|err| FleetError::Storage {
            context,
            source: StorageError::from_sqlx("database", &err),
        })
    }
}

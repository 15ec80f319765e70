//! How the profiles domain fails. The app's server functions turn each into their wire
//! error; a storage failure's cause is logged there and never sent.

use app_model::auth::FieldError;

use crate::storage::{StorageError, StorageErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// Some fields are invalid; each carries its own message for the form.
    #[error("invalid input: {} field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    /// No such profile or item — or not one the caller may see, which is told the same way.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The request does not fit the profile as it is (an item before the profile exists).
    #[error("{0}")]
    Conflict(String),
    /// The database failed; logged, never shown.
    #[error("{context}: {source}")]
    Storage {
        context: &'static str,
        source: StorageError,
    },
}

impl ProfileError {
    /// One invalid field, with the message the form shows next to it.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    /// Whether retrying later may work (the database was unreachable).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, Self::Storage { source, .. } if source.kind == StorageErrorKind::Unreachable)
    }

    /// Logs a storage failure's detail; whoever turns this error into a response calls it.
    pub fn log_cause(&self) {
        if let Self::Storage { context, source } = self {
            tracing::error!(error = %source, "profiles: {context}");
        }
    }
}

/// Adds what the server was doing to a database error.
pub(crate) trait During<T> {
    fn during(self, context: &'static str) -> Result<T, ProfileError>;
}

impl<T> During<T> for Result<T, sqlx::Error> {
    fn during(self, context: &'static str) -> Result<T, ProfileError> {
        self.map_err(|err| ProfileError::Storage {
            context,
            source: StorageError::from_sqlx("database", &err),
        })
    }
}

//! How the accounts domain fails. The app's server functions turn each into their wire
//! error; the cause of an internal failure is logged there and never sent.

use app_model::auth::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Some fields are invalid; each carries its own message for the form.
    #[error("invalid input: {} field(s)", .0.len())]
    Invalid(Vec<FieldError>),
    /// The account asked for does not exist.
    #[error("no such account")]
    NotFound,
    /// Every password check is busy; nothing was attempted.
    #[error("every password check is busy")]
    Busy { retry_after_secs: u64 },
    /// Something failed on the server: what was being done, and why.
    #[error("{during} failed: {cause}")]
    Internal { during: &'static str, cause: String },
}

impl AccountError {
    /// One invalid field, with the message the form shows next to it.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn internal(during: &'static str, cause: &dyn std::fmt::Display) -> Self {
        Self::Internal {
            during,
            cause: cause.to_string(),
        }
    }
}

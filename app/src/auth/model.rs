//! Wire types of the auth layer, shared by the server and the browser.

use serde::{Deserialize, Serialize};

pub use crate::errors::ServerFnFailure;

pub use app_model::auth::{AuditAction, CurrentUser, FieldError, Role, SessionInfo};

/// Where a sign-in through the identity provider starts (a plain route, not a server function).
pub const PROVIDER_START_PATH: &str = "/auth/oidc/start";

/// Why a sign-in through the identity provider did not happen. The callback sends the
/// browser to `/login?error=<code>`, and the login page shows the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderSignInError {
    Denied,
    Expired,
    Failed,
    Unavailable,
    EmailMissing,
    /// The provider's email belongs to an account that never proved it owns the address:
    /// signing in there would hand that account to whoever controls the provider identity
    /// (or hand the provider user an account someone else registered first).
    AccountExists,
    /// Linking: this provider identity already belongs to another account.
    AlreadyLinked,
    /// Linking: the session that started the link is no longer signed in.
    NotSignedIn,
    Disabled,
}

impl ProviderSignInError {
    const ALL: [Self; 9] = [
        Self::Denied,
        Self::Expired,
        Self::Failed,
        Self::Unavailable,
        Self::EmailMissing,
        Self::AccountExists,
        Self::AlreadyLinked,
        Self::NotSignedIn,
        Self::Disabled,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            Self::Denied => "provider_denied",
            Self::Expired => "provider_expired",
            Self::Failed => "provider_failed",
            Self::Unavailable => "provider_unavailable",
            Self::EmailMissing => "provider_email_missing",
            Self::AccountExists => "provider_account_exists",
            Self::AlreadyLinked => "provider_already_linked",
            Self::NotSignedIn => "provider_not_signed_in",
            Self::Disabled => "account_disabled",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|error| error.code() == code)
    }

    pub const fn message(self) -> &'static str {
        match self {
            Self::Denied => "Sign-in was cancelled at the identity provider. Nothing was changed.",
            Self::Expired => {
                "That sign-in attempt expired or was started in another window. Please try again."
            }
            Self::Failed => {
                "The identity provider's answer could not be verified. Please try again."
            }
            Self::Unavailable => {
                "The identity provider cannot be reached right now. Try again shortly, or sign in with your password."
            }
            Self::EmailMissing => {
                "The identity provider did not share an email address, which an account needs."
            }
            Self::AccountExists => {
                "An account with this email already exists, and it is not linked to this identity provider. Sign in with that account's password, then link the provider from your account page."
            }
            Self::AlreadyLinked => {
                "That identity provider account is already linked to another LuckyPlans account. Nothing was changed."
            }
            Self::NotSignedIn => {
                "Linking needs you to stay signed in until the provider sends you back. Sign in and try again."
            }
            Self::Disabled => {
                "This account is disabled. Ask an administrator if you think this is a mistake."
            }
        }
    }
}

/// A provider identity linked to the signed-in user's account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedIdentity {
    /// The provider's email for this identity, if it shared one.
    pub email: Option<String>,
    /// Unix seconds.
    pub linked_at: i64,
}

/// What the account page shows about single sign-on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderLinks {
    /// The configured provider's name, if there is one.
    pub provider: Option<String>,
    /// Identities of the configured provider linked to this account.
    pub linked: Vec<LinkedIdentity>,
}

/// Where the signed-in user links the configured provider to their account (a form post).
pub const PROVIDER_LINK_PATH: &str = "/auth/oidc/link";

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
    /// The signed-in user may not do this (an administrator function, say).
    #[error("Your account is not allowed to do this.")]
    Forbidden,
    /// The thing asked for does not exist, or is not the caller's to see.
    #[error("This no longer exists.")]
    NotFound,
    /// The request does not fit the current state (cancelling a task that has ended).
    #[error("{message}")]
    Conflict { message: String },
    /// Too many wrong passwords for this account from this address; wait and retry.
    #[error("Too many wrong passwords. Try again in {retry_after_secs} seconds.")]
    TooManyAttempts { retry_after_secs: u64 },
    /// Every password check is busy; the request was not attempted.
    #[error("The server is busy. Try again in {retry_after_secs} seconds.")]
    Busy { retry_after_secs: u64 },
    /// Something failed on the server; details are in its logs, not here.
    #[error("Something went wrong on our side. Try again in a moment.")]
    Internal,
    /// The request did not reach the function (network, encoding).
    #[error("The request failed: {message}")]
    Request { message: String },
}

impl ServerFnFailure for AuthError {
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
            Self::WrongCredentials | Self::Unauthenticated => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::TooManyAttempts { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Request { .. } => StatusCode::BAD_REQUEST,
        }
    }

    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::TooManyAttempts { retry_after_secs } | Self::Busy { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }
}

/// The accounts domain's failures as the server functions answer them: field errors stay
/// on their fields; an internal failure is logged here and only its kind is sent.
#[cfg(feature = "ssr")]
impl From<domain::accounts::AccountError> for AuthError {
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

crate::server_fn_error!(AuthError);

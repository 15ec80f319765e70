//! How a server function fails. Each area has its own error type — `AuthError` (accounts
//! and sessions), `AdminError` (the admin section), `FleetError` (the fleet) and the docs
//! site's `SearchError` — and every one keeps the same contract:
//!
//! - it is sent as JSON tagged by a stable `code` (`{"code":"not_found"}`), which clients
//!   match on; a field error carries its fields, a wait carries `retry_after_secs`;
//! - the response carries the HTTP status the code implies ([`with_status`]);
//! - an internal cause is logged where it happens ([`ServerFnFailure::internal`]) and
//!   never sent: the caller learns only that something failed on the server.

use app_model::auth::FieldError;

/// What every server function's error type can do.
pub trait ServerFnFailure: Sized {
    /// The variant for a failure the caller is not told about.
    const INTERNAL: Self;

    /// An invalid-input error naming some fields, each with its message.
    fn invalid(fields: Vec<FieldError>) -> Self;

    /// The fields this error names, if it is an invalid-input error.
    fn field_errors(&self) -> &[FieldError];

    /// An invalid-input error naming one field.
    fn field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldError::new(field, message)])
    }

    /// The message for one field, if this error names it.
    fn message_for(&self, field: &str) -> Option<String> {
        self.field_errors()
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.message.clone())
    }

    /// Logs what failed and why, and answers the error the caller gets instead.
    #[cfg(feature = "ssr")]
    fn internal(during: &str, cause: &dyn std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "{during} failed");
        Self::INTERNAL
    }

    /// The HTTP status a response with this error carries.
    #[cfg(feature = "ssr")]
    fn status_code(&self) -> http::StatusCode;

    /// Seconds for a `Retry-After` header, for the errors that have one.
    fn retry_after_secs(&self) -> Option<u64> {
        None
    }
}

/// Sets the response status (and `Retry-After`, when it has one) that matches an error.
#[cfg(feature = "ssr")]
pub fn with_status<T, E: ServerFnFailure>(result: Result<T, E>) -> Result<T, E> {
    if let Err(err) = &result
        && let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
    {
        response.set_status(err.status_code());
        if let Some(seconds) = err.retry_after_secs() {
            response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
    }
    result
}

/// Implements `FromServerFnError` for an error type with a `Request { message }` variant:
/// a request that never reached the function (malformed arguments on the server; a network
/// or decoding failure in the browser). On the server it is the client's mistake, a 400.
#[macro_export]
macro_rules! server_fn_error {
    ($error:ty) => {
        impl ::server_fn::error::FromServerFnError for $error {
            type Encoder = ::server_fn::codec::JsonEncoding;

            fn from_server_fn_error(value: ::server_fn::error::ServerFnErrorErr) -> Self {
                #[cfg(feature = "ssr")]
                if let Some(response) =
                    ::leptos::prelude::use_context::<::leptos_axum::ResponseOptions>()
                {
                    response.set_status(::http::StatusCode::BAD_REQUEST);
                }
                Self::Request {
                    message: value.to_string(),
                }
            }
        }
    };
}

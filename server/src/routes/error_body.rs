//! The JSON error body of the server's own plain routes (same-origin and rate-limit
//! refusals, panics): `{"code", "message"}`, the same shape as the edge API's errors
//! (`edge_protocol::api::ApiError`) and the server functions' `code`.

use serde::Serialize;

/// An error body.
#[derive(Debug, Serialize)]
pub struct ErrorResponse {
    /// Stable, machine-readable; clients branch on it.
    pub code: &'static str,
    /// For people reading logs.
    pub message: &'static str,
}

impl ErrorResponse {
    pub const fn new(code: &'static str, message: &'static str) -> Self {
        Self { code, message }
    }
}

//! Layers applied to every response.

pub mod request_id;
pub mod security_headers;

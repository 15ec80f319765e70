//! Layers applied to every response.

pub mod auth_rate_limit;
pub mod client_ip;
pub mod deadline;
pub mod request_id;
pub mod same_origin;
pub mod security_headers;

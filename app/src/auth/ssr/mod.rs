//! Server-only half of the auth layer: validation, password hashing, the user store,
//! the audit log and access to the caller's session.

pub mod accounts;
pub mod audit;
pub mod context;
mod device;
pub mod guard;
pub mod handlers;
pub mod input;
pub mod oidc;
pub mod password;
pub mod registry;
pub mod request;
pub mod throttle;
pub mod users;

//! Accounts: the user store, what a valid email, name and password are, argon2id
//! hashing behind a concurrency gate, the throttling of failed sign-ins per account and
//! address, and the administrative changes (create, role, disable, end sessions).
//! [`AuthContext`] holds the handles all of them need.

pub mod context;
mod error;
pub mod input;
pub mod manage;
pub mod password;
pub mod throttle;
pub mod users;

pub use context::AuthContext;
pub use error::AccountError;

//! Accounts: the user store, what a valid email, name and password are, argon2id
//! hashing behind a concurrency gate, and the throttling of failed sign-ins per account
//! and address.

mod error;
pub mod input;
pub mod password;
pub mod throttle;
pub mod users;

pub use error::AccountError;

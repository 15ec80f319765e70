//! The fleet: a user's edge agents (workers), the enrollment tokens that add them, the
//! datasets and tasks they run, and the results they report.
//!
//! - [`model`]: what the fleet's server functions return.
//! - [`api`]: the server functions owners call from the app.
//! - `ssr`: the store and the rules, shared with the edge API and the server's CLI.

pub mod api;
#[cfg(feature = "ssr")]
mod handlers;
pub mod model;
#[cfg(feature = "ssr")]
pub use domain::fleet as ssr;

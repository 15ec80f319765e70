//! The fleet: a user's edge agents (workers), the enrollment tokens that add them, the
//! datasets and tasks they run, and the results they report.
//!
//! - [`pages`]: the fleet's pages (agents, one agent, enrollment tokens).
//! - [`widgets`]: status badges and progress bars, shared with the backtest pages.
//! - [`model`]: what the fleet's server functions return.
//! - [`api`]: the server functions owners call from the app.
//! - `handlers` (server only): the server functions' bodies, thin calls into
//!   `domain::fleet`, where the store and the rules live (shared with the edge API and
//!   the server's command line).

pub mod api;
#[cfg(feature = "ssr")]
pub(crate) mod handlers;
pub mod model;
pub mod pages;
pub mod widgets;

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

use leptos::prelude::use_context;

pub mod api;
#[cfg(feature = "ssr")]
pub(crate) mod handlers;
pub mod model;
pub mod pages;
pub mod widgets;

/// Whose fleet the pages show: the signed-in user's own on the beta host, everyone's on
/// the admin host (whose root provides it). The detail pages are shared; this decides the
/// wording and the links that exist on one host only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FleetScope {
    #[default]
    Own,
    Everyone,
}

impl FleetScope {
    pub fn current() -> Self {
        use_context().unwrap_or_default()
    }
}

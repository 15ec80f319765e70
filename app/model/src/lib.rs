//! The data the product app's pages show and its server functions return: plain types
//! with serde, compiled into the browser build and the server alike. The server-side
//! domain (`domain`) produces them; it never sees the app.
//!
//! - [`admin`]: the admin section's users, audit entries, filters and overview.
//! - [`auth`]: the signed-in user, roles, sessions, audit actions.
//! - [`fleet`]: workers, enrollment tokens, datasets, tasks and their states.
//! - [`heatmap`]: a metric over a task's parameter grid, in at most 25 × 25 cells.
//! - [`live`]: the change events pushed to open pages.
//! - [`notifications`]: in-app notifications and which kinds a user hears.
//! - [`profiles`]: portfolio profiles, their sections' items and what each kind of item holds.
//! - [`results`]: a task's ranked results, one config's curve and trades, the metrics.

pub mod admin;
pub mod auth;
pub mod fleet;
pub mod heatmap;
pub mod live;
pub mod notifications;
pub mod profiles;
pub mod results;

//! The server-side domain of LuckyPlans, shared by the sites' server functions (`app`)
//! and the edge API (`server`). It knows nothing of Leptos or of pages.
//!
//! - [`storage`]: the database and object-store seams, each with an embedded default
//!   (SQLite, a local folder) and a production backend (PostgreSQL, S3), and the
//!   migrations of both databases.
//! - [`client`]: who is calling (address, user agent), as the audit log records it.
//! - [`fleet`]: edge agents and what they run — enrollment tokens, workers and their
//!   credentials, heartbeats and liveness, datasets, the task queue and results.

pub mod client;
pub mod fleet;
pub mod storage;

//! The server-side domain of LuckyPlans, shared by the sites' server functions (`app`)
//! and the edge API (`server`). It knows nothing of Leptos or of pages.
//!
//! - [`storage`]: the database and object-store seams, each with an embedded default
//!   (SQLite, a local folder) and a production backend (PostgreSQL, S3), and the
//!   migrations of both databases.

pub mod storage;

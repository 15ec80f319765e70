//! The server-side domain of LuckyPlans, shared by the sites' server functions (`app`)
//! and the edge API (`server`). It knows nothing of Leptos or of pages.
//!
//! - [`storage`]: the database and object-store seams, each with an embedded default
//!   (SQLite, a local folder) and a production backend (PostgreSQL, S3), and the
//!   migrations of both databases.
//! - [`admin`]: the admin section's read queries: users, the audit log, the overview.
//! - [`accounts`]: the user store, input validation, password hashing and sign-in
//!   throttling, with [`accounts::AccountError`] as the one way they fail.
//! - [`audit`]: the audit log: who did what to whose account or fleet.
//! - [`client`]: who is calling (address, user agent), as the audit log records it.
//! - [`clock`]: the server's clock, in Unix seconds.
//! - [`fleet`]: edge agents and what they run — enrollment tokens, workers and their
//!   credentials, heartbeats and liveness, datasets, the task queue and results.
//! - [`live`]: changes announced to open pages, across replicas, and the hub that
//!   fans them out to each user's event streams.
//! - [`notifications`]: in-app notifications of what the fleet noticed, per user, and
//!   which kinds each user hears.
//! - [`profiles`]: portfolio profiles — handle, bio and ordered sections of items — and
//!   who may see them.
//! - [`jobs`]: the background jobs: session and throttle cleanup, lease expiry, liveness.
//! - [`oidc`]: the OpenID Connect provider's client and the identity → account links.
//! - [`sessions`]: the session store, the session cookie, and the registry of a user's
//!   sessions.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod client;
pub mod clock;
pub mod fleet;
pub mod jobs;
pub mod live;
pub mod notifications;
pub mod oidc;
pub mod profiles;
pub mod sessions;
pub mod storage;

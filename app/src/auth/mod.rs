//! The one auth and session layer shared by every site.
//!
//! - [`model`]: wire types (the signed-in user, roles, typed errors with field details).
//! - [`api`]: the server functions under `/api/auth/` (register, login, logout, me).
//! - `ssr` (server only): the server functions' bodies, the caller's session and guards,
//!   and the single sign-on routes — thin layers over `domain::accounts`,
//!   `domain::sessions`, `domain::oidc` and `domain::audit`, where the rules and the SQL
//!   live.
//!
//! Sessions are stored server-side through `domain::sessions::SessionBackend` (Redis when
//! configured, else the SQL database) and carried by one cookie configured in
//! [`session_layer`], so landing, docs, beta and admin see the same signed-in user.

pub mod api;
pub mod model;
pub mod require;
pub mod return_to;
#[cfg(feature = "ssr")]
pub mod ssr;

#[cfg(feature = "ssr")]
pub use domain::sessions::{SESSION_COOKIE, SessionSettings, session_layer};

//! The one auth and session layer shared by every site.
//!
//! Sessions are stored server-side through [`session_store::SessionBackend`] (Redis when
//! configured, else the SQL database) and carried by one cookie configured in
//! [`session_layer`], so landing, docs, beta and admin see the same signed-in user.

#[cfg(feature = "ssr")]
mod session_layer;
#[cfg(feature = "ssr")]
pub mod session_store;

#[cfg(feature = "ssr")]
pub use session_layer::{SESSION_COOKIE, SessionSettings, session_layer};

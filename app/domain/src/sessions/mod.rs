//! Sessions: the server-side store (Redis when configured, else the database), the one
//! cookie every site shares, and the registry that lists a user's sessions by device.

pub mod device;
mod layer;
mod limits;
pub mod registry;
pub mod store;

pub use layer::{SESSION_COOKIE, SessionSettings, session_layer};
pub use limits::SessionLimits;
pub use store::SessionBackend;

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

use std::str::FromStr;

use tower_sessions::session::Id;
use tower_sessions::session_store::SessionStore;

/// Destroys stored session records by id (the registry rows are already gone).
pub async fn destroy_records(sessions: &SessionBackend, session_ids: &[String]) {
    for session_id in session_ids {
        let Ok(id) = Id::from_str(session_id) else {
            continue;
        };
        if let Err(err) = sessions.delete(&id).await {
            // The registry row is gone, so the session is already refused; the record
            // expires on its own.
            tracing::warn!(error = %err, "a stored session could not be deleted");
        }
    }
}

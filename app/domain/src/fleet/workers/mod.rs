//! Workers: registration, credentials, heartbeats, and what owners do with them.
//!
//! One file per job: the agent's side (`authenticate`, `register`, `heartbeat`, `rotate`)
//! and the owner's (`owner_actions`). Everything is re-exported here so callers keep
//! writing `workers::act` or `workers::authenticate` whichever file holds it. What stays
//! in this file is shared by more than one job: the limits on what an agent reports about
//! itself, checked alike at registration and at every heartbeat.

mod authenticate;
mod heartbeat;
mod owner_actions;
mod register;
mod rotate;

pub use authenticate::{AuthenticatedWorker, authenticate, authenticate_fresh, read_credential};
pub use heartbeat::heartbeat;
pub use owner_actions::{WorkerAction, act, detail, list, owned};
pub use register::register;
pub use rotate::rotate;

use super::FleetError;

const MAX_FIELD_CHARS: usize = 64;

fn short_field(field: &'static str, value: &str, max: usize) -> Result<String, FleetError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(FleetError::field(
            field,
            format!("{field} must be 1 to {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

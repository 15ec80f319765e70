//! The fleet's store and rules, used by the edge API (agents), the server functions
//! (owners in the app) and the CLI (operators). The same SQL runs on SQLite and PostgreSQL.

pub mod auth_cache;
mod context;
mod dataset_convert;
pub mod datasets;
pub(crate) mod error;
pub mod events;
pub mod heartbeats;
pub mod leases;
pub mod liveness;
pub mod queue;
pub mod results;
pub mod results_cache;
pub mod results_export;
pub(crate) mod rows;
pub mod secrets;
pub mod tasks;
pub mod tokens;
pub mod workers;

pub use context::{EdgeContext, EdgeSettings, Owner};
pub use error::FleetError;

pub use crate::clock::now;

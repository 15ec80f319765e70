//! The LuckyPlans server: one binary serving the landing, docs, beta and admin sites and
//! the edge API, over one session layer and one set of storage backends.

pub mod config;
pub mod fleet_cli;
pub mod middleware;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod user_cli;

pub use config::{Config, ConfigError, Overrides};
pub use startup::{Application, StartupError};

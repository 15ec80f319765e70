//! The fleet's pages on the beta host: the agents (`/fleet`), one agent
//! (`/fleet/:id`, shared with the admin host) and the enrollment tokens that add agents
//! (`/fleet/tokens`).

mod agent;
mod agents;
mod tokens;

pub(crate) use agent::Agent;
pub use agent::AgentPage;
pub use agents::FleetPage;
pub use tokens::TokensPage;

//! Credentials checked once, remembered: the worker's credential and row, kept in memory so
//! that a steady heartbeat or poll does not read the database.
//!
//! Only with PostgreSQL, where replicas can tell each other what changed: every change to a
//! worker or its credentials (revoke, disable, rotate, quarantine, a status transition)
//! forgets the worker here once it is committed and sends `NOTIFY edge_workers, '<worker
//! id>'`, and every replica's listener forgets it too. If the listener loses its connection,
//! the whole cache is dropped. With SQLite — one process — the database is read every time.
//!
//! A row read from the database may be stale by the time it is stored: a revoke can commit
//! and be announced between the read and the [`AuthCache::put`]. So a reader takes a
//! [`Ticket`] *before* it reads, and `put` stores the row only if nothing was forgotten about
//! that worker (and nothing cleared) since the ticket was taken.
//!
//! The cache is bounded: at most [`MAX_ENTRIES`] credentials, expired ones evicted as new
//! ones arrive, and forgetting a worker touches only that worker's entries.
//!
//! The cache and its tickets are in `cache`; the announcements between replicas in
//! `replicas`. Both are re-exported here, so callers keep writing `auth_cache::…`.

mod cache;
mod replicas;
#[cfg(test)]
mod tests;

pub use cache::{AuthCache, Limits, Ticket};
pub use replicas::{changed, spawn_listener};

use std::time::Duration;

use super::rows::WorkerRow;

/// The channel replicas announce worker changes on.
pub const CHANNEL: &str = "edge_workers";
/// How long an entry is trusted without any announcement: a bound on the damage of a lost
/// notification, not the mechanism.
pub const TTL: Duration = Duration::from_secs(300);
/// The most credentials remembered at once; past it the oldest are dropped first.
pub const MAX_ENTRIES: usize = 100_000;
/// How long a [`Ticket`] stays good: a database read takes milliseconds, and changes older
/// than this need not be remembered for the sake of a ticket.
const TICKET_LIFETIME: Duration = Duration::from_secs(10);

/// A credential and its worker, as the database had them.
#[derive(Clone, sqlx::FromRow)]
pub struct CredentialRecord {
    pub secret_hmac: String,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// Issued by a rotation and not used yet: its first use ends the rotation.
    pub awaiting_first_use: bool,
    #[sqlx(flatten)]
    pub worker: WorkerRow,
}

impl std::fmt::Debug for CredentialRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialRecord")
            .field("secret_hmac", &"…")
            .field("expires_at", &self.expires_at)
            .field("revoked_at", &self.revoked_at)
            .field("awaiting_first_use", &self.awaiting_first_use)
            .field("worker", &self.worker.id)
            .finish()
    }
}

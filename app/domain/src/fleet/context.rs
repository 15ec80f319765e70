//! What the fleet needs from the server.

use std::sync::Arc;

use edge_protocol::api::Intervals;
use edge_protocol::dataset::DatasetLimits;

use super::auth_cache::{self, AuthCache};
use super::heartbeats::HeartbeatWriter;
use super::results_cache::ResultsCache;
use super::secrets::Pepper;
use crate::live::LiveHub;
use crate::storage::{Database, ObjectStorage};

/// The fleet's settings, from the server's configuration.
#[derive(Clone, Debug)]
pub struct EdgeSettings {
    /// The key every token and credential secret is hashed with.
    pub pepper: Pepper,
    /// Handed to agents at registration and in every heartbeat reply.
    pub intervals: Intervals,
    /// Heard from within this many seconds, a worker is online.
    pub online_secs: i64,
    /// Heard from within this many seconds, a worker is stale; after that, offline.
    pub stale_secs: i64,
    /// How long a rotated credential keeps working.
    pub rotation_grace_secs: i64,
    /// How long an enrollment token lives unless its creator says otherwise.
    pub token_ttl_secs: i64,
    /// Failed tasks in a row that quarantine a worker; a lease that runs out counts as one.
    pub quarantine_after: i64,
    /// Leases a task gets before an expiry fails it instead of queueing it again.
    pub max_attempts: i64,
    pub dataset_limits: DatasetLimits,
}

impl EdgeSettings {
    /// The defaults the issue and the docs describe, with the given pepper.
    pub fn with_pepper(pepper: Pepper) -> Self {
        Self {
            pepper,
            intervals: Intervals {
                heartbeat_seconds: 15,
                poll_seconds: 5,
                task_heartbeat_seconds: 10,
                lease_seconds: 60,
            },
            online_secs: 60,
            stale_secs: 300,
            rotation_grace_secs: 24 * 60 * 60,
            token_ttl_secs: 60 * 60,
            quarantine_after: 3,
            max_attempts: 3,
            dataset_limits: DatasetLimits::default(),
        }
    }

    pub fn lease_secs(&self) -> i64 {
        i64::from(self.intervals.lease_seconds)
    }
}

/// The fleet's handles, provided to the edge routes, the server functions and the CLI.
#[derive(Clone, Debug)]
pub struct EdgeContext {
    pub database: Database,
    pub objects: ObjectStorage,
    pub settings: Arc<EdgeSettings>,
    /// Where heartbeats go to be written in batches.
    pub heartbeats: HeartbeatWriter,
    /// Credentials already checked (PostgreSQL only; see `auth_cache`).
    pub auth_cache: Arc<AuthCache>,
    /// Where changes are announced to open pages (see `crate::live`).
    pub live: Arc<LiveHub>,
    /// Decoded configs and built heatmaps for the results pages (see `results_cache`).
    pub results_cache: Arc<ResultsCache>,
}

impl EdgeContext {
    /// The fleet over these backends; starts the heartbeat writer (and, on PostgreSQL, the
    /// worker change and live change listeners) on the current runtime.
    pub fn new(database: Database, objects: ObjectStorage, settings: EdgeSettings) -> Self {
        let auth_cache = Arc::new(AuthCache::new(matches!(database, Database::Postgres(_))));
        auth_cache::spawn_listener(&database, Arc::clone(&auth_cache));
        let live = Arc::new(LiveHub::new());
        crate::live::spawn_listener(&database, Arc::clone(&live));
        Self {
            live,
            auth_cache,
            results_cache: Arc::default(),
            heartbeats: HeartbeatWriter::spawn(database.clone()),
            database,
            objects,
            settings: Arc::new(settings),
        }
    }
}

/// Whose fleet an operation acts on. Administrators see and control every user's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub user_id: String,
    pub is_admin: bool,
}

impl Owner {
    /// Whether this owner may see and control a record owned by `owner_id`.
    pub fn may_access(&self, owner_id: &str) -> bool {
        self.is_admin || self.user_id == owner_id
    }
}

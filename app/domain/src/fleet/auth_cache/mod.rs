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

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::error::StorageContext;
use super::rows::WorkerRow;
use super::{EdgeContext, FleetError};
use crate::storage::Database;

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

/// Taken before a credential is read from the database; [`AuthCache::put`] honours it only
/// if the worker did not change in between.
#[derive(Clone, Copy, Debug)]
pub struct Ticket {
    change: u64,
    taken: Instant,
}

#[derive(Debug)]
struct Entry {
    record: Arc<CredentialRecord>,
    stored: Instant,
}

#[derive(Debug, Default)]
struct State {
    /// Credential id → what was read.
    entries: HashMap<String, Entry>,
    /// Worker id → the ids of its remembered credentials.
    by_worker: HashMap<String, Vec<String>>,
    /// Credential ids in the order they were stored, for expiry and the size bound.
    stored: VecDeque<(Instant, String)>,
    /// Counts every forget and clear.
    change: u64,
    /// The count at the last clear.
    cleared: u64,
    /// Worker id → the count at its last change, for tickets still alive.
    changed: HashMap<String, u64>,
    /// The same changes in order, so old ones are dropped without a scan.
    changes: VecDeque<(Instant, u64, String)>,
}

impl State {
    fn remove(&mut self, credential_id: &str) {
        let Some(entry) = self.entries.remove(credential_id) else {
            return;
        };
        let worker_id = &entry.record.worker.id;
        if let Some(ids) = self.by_worker.get_mut(worker_id) {
            ids.retain(|id| id != credential_id);
            if ids.is_empty() {
                self.by_worker.remove(worker_id);
            }
        }
    }

    /// Drops expired entries, then the oldest ones while the cache is full.
    fn evict(&mut self, now: Instant, limits: Limits) {
        while let Some((stored, id)) = self.stored.front() {
            let live = self
                .entries
                .get(id)
                .is_some_and(|entry| entry.stored == *stored);
            let expired = now.duration_since(*stored) >= limits.ttl;
            if live && !expired && self.entries.len() < limits.max_entries {
                break;
            }
            if let Some((_, id)) = self.stored.pop_front()
                && live
            {
                self.remove(&id);
            }
        }
        // Forgotten and replaced entries leave their place in the queue behind.
        if self.stored.len() > 2 * limits.max_entries {
            let entries = &self.entries;
            self.stored.retain(|(stored, id)| {
                entries.get(id).is_some_and(|entry| entry.stored == *stored)
            });
        }
    }

    /// Forgets changes no live ticket can be older than.
    fn forget_old_changes(&mut self, now: Instant) {
        while let Some((at, change, worker_id)) = self.changes.front() {
            if now.duration_since(*at) < TICKET_LIFETIME {
                break;
            }
            if self.changed.get(worker_id) == Some(change) {
                self.changed.remove(worker_id);
            }
            self.changes.pop_front();
        }
    }
}

/// How long entries live and how many there may be.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub ttl: Duration,
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            ttl: TTL,
            max_entries: MAX_ENTRIES,
        }
    }
}

#[derive(Debug, Default)]
pub struct AuthCache {
    enabled: bool,
    limits: Limits,
    /// Whether this replica hears the others right now; without that, nothing is trusted.
    listening: AtomicBool,
    state: Mutex<State>,
}

impl AuthCache {
    pub fn new(enabled: bool) -> Self {
        Self::with_limits(enabled, Limits::default())
    }

    pub fn with_limits(enabled: bool, limits: Limits) -> Self {
        Self {
            enabled,
            limits,
            listening: AtomicBool::new(false),
            state: Mutex::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(&self, credential_id: &str) -> Option<Arc<CredentialRecord>> {
        if !self.live() {
            return None;
        }
        let state = self.state();
        let entry = state.entries.get(credential_id)?;
        (entry.stored.elapsed() < self.limits.ttl).then(|| Arc::clone(&entry.record))
    }

    /// How many credentials are remembered now.
    pub fn len(&self) -> usize {
        self.state().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn live(&self) -> bool {
        self.enabled && self.listening.load(Ordering::Acquire)
    }

    /// Take one before reading a credential from the database, for [`put`](Self::put).
    pub fn ticket(&self) -> Ticket {
        Ticket {
            change: self.state().change,
            taken: Instant::now(),
        }
    }

    /// Remembers a credential read after `ticket` was taken — unless its worker changed, or
    /// the cache was cleared, since then: the row may predate that change.
    pub fn put(&self, ticket: Ticket, credential_id: &str, record: CredentialRecord) {
        if !self.live() {
            return;
        }
        let now = Instant::now();
        if now.duration_since(ticket.taken) >= TICKET_LIFETIME {
            return;
        }
        let mut state = self.state();
        let worker_changed = state
            .changed
            .get(&record.worker.id)
            .is_some_and(|change| *change > ticket.change);
        if state.cleared > ticket.change || worker_changed {
            return;
        }
        state.evict(now, self.limits);
        state.remove(credential_id);
        let worker_id = record.worker.id.clone();
        state.entries.insert(
            credential_id.to_owned(),
            Entry {
                record: Arc::new(record),
                stored: now,
            },
        );
        state
            .by_worker
            .entry(worker_id)
            .or_default()
            .push(credential_id.to_owned());
        state.stored.push_back((now, credential_id.to_owned()));
    }

    /// Forgets every credential of a worker, and refuses rows read before now.
    pub fn forget_worker(&self, worker_id: &str) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        let mut state = self.state();
        state.change += 1;
        let change = state.change;
        state.changed.insert(worker_id.to_owned(), change);
        state.changes.push_back((now, change, worker_id.to_owned()));
        state.forget_old_changes(now);
        for id in state.by_worker.remove(worker_id).unwrap_or_default() {
            state.entries.remove(&id);
        }
    }

    pub fn clear(&self) {
        let mut state = self.state();
        state.change += 1;
        state.cleared = state.change;
        state.entries.clear();
        state.by_worker.clear();
        state.stored.clear();
    }

    fn set_listening(&self, listening: bool) {
        self.listening.store(listening, Ordering::Release);
        self.clear();
    }
}

/// A worker changed: forget it here and tell the other replicas.
pub async fn changed(context: &EdgeContext, worker_id: &str) -> Result<(), FleetError> {
    context.auth_cache.forget_worker(worker_id);
    if let Database::Postgres(pool) = &context.database {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(worker_id)
            .execute(pool)
            .await
            .map(drop)
            .during("announcing a worker change")?;
    }
    Ok(())
}

/// Listens for other replicas' announcements (PostgreSQL only); runs until the pool closes.
pub fn spawn_listener(database: &Database, cache: Arc<AuthCache>) {
    let Database::Postgres(pool) = database else {
        return;
    };
    let pool = pool.clone();
    tokio::spawn(async move {
        loop {
            let listener = async {
                let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
                listener.listen(CHANNEL).await?;
                // Anything announced before the listener was up is unknown: start empty.
                cache.set_listening(true);
                loop {
                    let notification = listener.recv().await?;
                    cache.forget_worker(notification.payload());
                }
            };
            let result: Result<(), sqlx::Error> = listener.await;
            cache.set_listening(false);
            if pool.is_closed() {
                return;
            }
            if let Err(err) = result {
                tracing::warn!(error = %err, "worker change listener lost its connection; retrying");
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(worker_id: &str) -> CredentialRecord {
        CredentialRecord {
            secret_hmac: "digest".to_owned(),
            expires_at: None,
            revoked_at: None,
            awaiting_first_use: false,
            worker: WorkerRow {
                id: worker_id.to_owned(),
                owner_id: "owner".to_owned(),
                display_name: "box".to_owned(),
                platform: "linux".to_owned(),
                arch: "x86_64".to_owned(),
                version: "0.1.0".to_owned(),
                cpus: 1,
                runtime_state: "idle".to_owned(),
                active_task_id: None,
                uptime_seconds: 0,
                last_seen_at: None,
                clock_skew_ms: None,
                last_ip: None,
                last_error: None,
                last_error_class: None,
                last_error_at: None,
                disabled_at: None,
                quarantined_at: None,
                consecutive_failures: 0,
                rotate_requested: false,
                derived_status: "online".to_owned(),
                created_at: 0,
            },
        }
    }

    fn listening(limits: Limits) -> AuthCache {
        let cache = AuthCache::with_limits(true, limits);
        cache.set_listening(true);
        cache
    }

    #[test]
    fn a_row_read_before_its_worker_changed_is_not_remembered() {
        let cache = listening(Limits::default());
        // Read the row, then a revoke commits and is announced, then the stale row arrives.
        let ticket = cache.ticket();
        cache.forget_worker("w1");
        cache.put(ticket, "c1", record("w1"));
        assert!(cache.get("c1").is_none(), "the stale row was cached");

        // Another worker's change does not stop it; a ticket taken after the change works.
        let ticket = cache.ticket();
        cache.forget_worker("w2");
        cache.put(ticket, "c1", record("w1"));
        assert!(cache.get("c1").is_some());
    }

    #[test]
    fn a_clear_refuses_rows_read_before_it() {
        let cache = listening(Limits::default());
        let ticket = cache.ticket();
        cache.set_listening(true);
        cache.put(ticket, "c1", record("w1"));
        assert!(cache.get("c1").is_none());
    }

    #[test]
    fn forgetting_a_worker_drops_only_its_credentials() {
        let cache = listening(Limits::default());
        for (credential, worker) in [("a1", "w1"), ("a2", "w1"), ("b1", "w2")] {
            cache.put(cache.ticket(), credential, record(worker));
        }
        assert_eq!(cache.len(), 3);
        cache.forget_worker("w1");
        assert_eq!(cache.len(), 1);
        assert!(cache.get("b1").is_some());
        assert!(cache.get("a1").is_none() && cache.get("a2").is_none());
    }

    #[test]
    fn expired_entries_are_evicted_as_new_ones_arrive_and_the_size_is_capped() {
        let cache = listening(Limits {
            ttl: Duration::from_millis(30),
            max_entries: 1_000,
        });
        for index in 0..10 {
            cache.put(cache.ticket(), &format!("old{index}"), record("w1"));
        }
        std::thread::sleep(Duration::from_millis(40));
        cache.put(cache.ticket(), "new", record("w2"));
        assert_eq!(cache.len(), 1, "expired entries are gone, not only hidden");

        let cache = listening(Limits {
            ttl: TTL,
            max_entries: 3,
        });
        for index in 0..5 {
            cache.put(
                cache.ticket(),
                &format!("c{index}"),
                record(&format!("w{index}")),
            );
        }
        assert_eq!(cache.len(), 3);
        assert!(cache.get("c0").is_none() && cache.get("c1").is_none());
        assert!(cache.get("c4").is_some());
        // The worker index follows evictions: forgetting an evicted worker is harmless.
        cache.forget_worker("w0");
        cache.forget_worker("w4");
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn nothing_is_remembered_while_not_listening() {
        let cache = AuthCache::new(true);
        cache.put(cache.ticket(), "c1", record("w1"));
        assert!(cache.get("c1").is_none());
        assert!(cache.is_empty());
    }
}

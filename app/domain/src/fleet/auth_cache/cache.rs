//! The cache itself: what it holds, how it stays bounded, and the tickets that keep a row
//! read before a change from being stored after it. Beyond expiry it forgets only when
//! told to, and what tells it — this replica's changes and the others' — is in `replicas`.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::{CredentialRecord, MAX_ENTRIES, TICKET_LIFETIME, TTL};

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

    pub(super) fn set_listening(&self, listening: bool) {
        self.listening.store(listening, Ordering::Release);
        self.clear();
    }
}

//! Credentials checked once, remembered: the worker's credential and row, kept in memory so
//! that a steady heartbeat or poll does not read the database.
//!
//! Only with PostgreSQL, where replicas can tell each other what changed: every change to a
//! worker or its credentials (revoke, disable, rotate, quarantine, a status transition)
//! forgets the worker here at once and sends `NOTIFY edge_workers, '<worker id>'`, and every
//! replica's listener forgets it too. If the listener loses its connection, the whole cache
//! is dropped. With SQLite — one process — the database is read every time.

use std::collections::HashMap;
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

/// A credential and its worker, as the database had them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CredentialRecord {
    pub secret_hmac: String,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    #[sqlx(flatten)]
    pub worker: WorkerRow,
}

#[derive(Debug)]
struct Entry {
    record: Arc<CredentialRecord>,
    stored: Instant,
}

#[derive(Debug, Default)]
pub struct AuthCache {
    enabled: bool,
    /// Whether this replica hears the others right now; without that, nothing is trusted.
    listening: AtomicBool,
    entries: Mutex<HashMap<String, Entry>>,
}

impl AuthCache {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            listening: AtomicBool::new(false),
            entries: Mutex::default(),
        }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(&self, credential_id: &str) -> Option<Arc<CredentialRecord>> {
        if !self.live() {
            return None;
        }
        let entries = self.entries();
        let entry = entries.get(credential_id)?;
        (entry.stored.elapsed() < TTL).then(|| Arc::clone(&entry.record))
    }

    fn live(&self) -> bool {
        self.enabled && self.listening.load(Ordering::Acquire)
    }

    pub fn put(&self, credential_id: &str, record: CredentialRecord) {
        if self.live() {
            let entry = Entry {
                record: Arc::new(record),
                stored: Instant::now(),
            };
            self.entries().insert(credential_id.to_owned(), entry);
        }
    }

    /// Forgets every credential of a worker.
    pub fn forget_worker(&self, worker_id: &str) {
        if self.enabled {
            self.entries()
                .retain(|_, entry| entry.record.worker.id != worker_id);
        }
    }

    pub fn clear(&self) {
        self.entries().clear();
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

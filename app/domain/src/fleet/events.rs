//! The worker event timeline: what happened to a worker, so its owner can see why it is
//! offline, quarantined or refused.

use super::error::StorageContext;
use super::rows::EventRow;
use super::{FleetError, now};
use crate::storage::{Database, on_pool};
use app_model::fleet::WorkerEvent;

/// How many events a worker's timeline shows.
pub const TIMELINE_LENGTH: i64 = 50;

/// Things that happen to a worker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Registered,
    Online,
    Stale,
    Offline,
    ErrorReported,
    CredentialRotated,
    CredentialRevoked,
    Quarantined,
    Released,
    Disabled,
    Enabled,
    /// A task's lease ran out while this worker held it: the agent crashed or lost contact.
    LeaseExpired,
}

impl EventKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Online => "online",
            Self::Stale => "stale",
            Self::Offline => "offline",
            Self::ErrorReported => "error_reported",
            Self::CredentialRotated => "credential_rotated",
            Self::CredentialRevoked => "credential_revoked",
            Self::Quarantined => "quarantined",
            Self::Released => "released",
            Self::Disabled => "disabled",
            Self::Enabled => "enabled",
            Self::LeaseExpired => "lease_expired",
        }
    }
}

/// The statement that appends an event: worker, kind, detail, time. For writes that must
/// commit with the change they describe.
pub const INSERT: &str =
    "INSERT INTO worker_events (worker_id, kind, detail, at) VALUES ($1, $2, $3, $4)";

/// Appends an event to a worker's timeline.
pub async fn record(
    database: &Database,
    worker_id: &str,
    kind: EventKind,
    detail: Option<&str>,
) -> Result<(), FleetError> {
    on_pool!(database, |pool| sqlx::query(INSERT)
        .bind(worker_id)
        .bind(kind.as_str())
        .bind(detail)
        .bind(now())
        .execute(pool)
        .await
        .map(drop))
    .during("recording a worker event")
}

/// A worker's most recent events, newest first.
pub async fn timeline(
    database: &Database,
    worker_id: &str,
) -> Result<Vec<WorkerEvent>, FleetError> {
    let sql = "SELECT kind, detail, at FROM worker_events WHERE worker_id = $1 \
               ORDER BY id DESC LIMIT $2";
    let rows = on_pool!(database, |pool| sqlx::query_as::<_, EventRow>(sql)
        .bind(worker_id)
        .bind(TIMELINE_LENGTH)
        .fetch_all(pool)
        .await)
    .during("loading a worker's timeline")?;
    Ok(rows.into_iter().map(WorkerEvent::from).collect())
}

//! Heartbeat writes, batched.
//!
//! Every agent sends a heartbeat every few seconds; writing each one in its own transaction
//! would make the fleet's size a function of the database's commit rate. The request path
//! checks the credential, decides the reply and hands the record to this writer, which
//! writes whatever has arrived — at most [`MAX_BATCH`] records, gathered for at most
//! [`GATHER`] — in one transaction. A worker's newer record replaces its older one in the
//! same batch. Liveness is measured in tens of seconds; a few milliseconds of delay are
//! invisible, and a crash loses at most one batch of "I am alive". A heartbeat that changes
//! what the next one is compared with (a worker back online, a new error) is written at once.

use std::collections::HashMap;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::FleetError;
use crate::storage::Database;

/// The longest a record waits for others to share its transaction.
pub const GATHER: Duration = Duration::from_millis(20);
/// The most records one transaction writes.
pub const MAX_BATCH: usize = 1_000;
/// Records waiting beyond this make heartbeats wait for room: back-pressure, not memory.
const QUEUE: usize = 16_384;

/// What one heartbeat changes on its worker.
#[derive(Clone, Debug)]
pub struct HeartbeatRecord {
    pub worker_id: String,
    pub version: String,
    pub platform: String,
    pub arch: String,
    pub runtime_state: &'static str,
    pub active_task_id: Option<String>,
    pub uptime_seconds: i64,
    pub last_seen_at: i64,
    pub clock_skew_ms: i64,
    pub last_ip: Option<String>,
    pub last_error: Option<String>,
    pub last_error_class: Option<&'static str>,
    pub last_error_at: Option<i64>,
}

enum Command {
    Record(Box<HeartbeatRecord>),
    Flush(oneshot::Sender<()>),
}

/// The handle request handlers use; cheap to clone.
#[derive(Clone)]
pub struct HeartbeatWriter {
    sender: mpsc::Sender<Command>,
}

impl std::fmt::Debug for HeartbeatWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeartbeatWriter")
    }
}

fn stopped() -> FleetError {
    FleetError::Storage {
        context: "recording a heartbeat",
        source: crate::storage::StorageError::failed("database", "the heartbeat writer stopped"),
    }
}

impl HeartbeatWriter {
    /// Starts the writer on the current tokio runtime. It runs until every handle is gone.
    pub fn spawn(database: Database) -> Self {
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(write_batches(database, receiver));
        Self { sender }
    }

    /// Queues a heartbeat; it is written within [`GATHER`] plus one transaction.
    pub async fn record(&self, record: HeartbeatRecord) -> Result<(), FleetError> {
        self.sender
            .send(Command::Record(Box::new(record)))
            .await
            .map_err(|_| stopped())
    }

    /// Writes one heartbeat now, outside any batch: for the rare heartbeat that changes
    /// what the next one is compared with (back online, a new error).
    pub async fn write_now(
        &self,
        database: &Database,
        record: HeartbeatRecord,
    ) -> Result<(), FleetError> {
        write(database, std::iter::once(record))
            .await
            .map_err(|err| FleetError::Storage {
                context: "recording a heartbeat",
                source: crate::storage::StorageError::from_sqlx("database", &err),
            })
    }

    /// Waits until every heartbeat queued before this call is written (shutdown, tests).
    pub async fn flush(&self) {
        let (done, written) = oneshot::channel();
        if self.sender.send(Command::Flush(done)).await.is_ok() {
            let _ = written.await;
        }
    }
}

async fn write_batches(database: Database, mut receiver: mpsc::Receiver<Command>) {
    while let Some(first) = receiver.recv().await {
        let mut batch: HashMap<String, HeartbeatRecord> = HashMap::new();
        let mut waiting = Vec::new();
        let mut flush_now = false;
        let mut take =
            |command: Command, batch: &mut HashMap<String, HeartbeatRecord>| match command {
                Command::Record(record) => {
                    batch.insert(record.worker_id.clone(), *record);
                    false
                }
                Command::Flush(done) => {
                    waiting.push(done);
                    true
                }
            };
        flush_now |= take(first, &mut batch);
        let deadline = Instant::now() + GATHER;
        while !flush_now && batch.len() < MAX_BATCH {
            match tokio::time::timeout_at(deadline, receiver.recv()).await {
                Ok(Some(command)) => flush_now |= take(command, &mut batch),
                _ => break,
            }
        }
        if !batch.is_empty()
            && let Err(err) = write(&database, batch.into_values()).await
        {
            tracing::error!(error = %err, "writing heartbeats failed");
        }
        for done in waiting {
            let _ = done.send(());
        }
    }
}

async fn write(
    database: &Database,
    records: impl Iterator<Item = HeartbeatRecord>,
) -> Result<(), sqlx::Error> {
    let records: Vec<HeartbeatRecord> = records.collect();
    match database {
        Database::Postgres(pool) => write_postgres(pool, &records).await,
        Database::Sqlite(pool) => write_sqlite(pool, &records).await,
    }
}

/// One statement for the whole batch: the records travel as arrays, one per column.
async fn write_postgres(
    pool: &sqlx::PgPool,
    records: &[HeartbeatRecord],
) -> Result<(), sqlx::Error> {
    // Errors are kept once reported: a healthy heartbeat does not erase why the agent last
    // failed.
    let sql = "UPDATE workers AS w SET version = v.version, platform = v.platform, \
               arch = v.arch, runtime_state = v.runtime_state, active_task_id = v.active_task_id, \
               uptime_seconds = v.uptime_seconds, last_seen_at = v.last_seen_at, \
               clock_skew_ms = v.clock_skew_ms, last_ip = v.last_ip, \
               last_error = COALESCE(v.last_error, w.last_error), \
               last_error_class = COALESCE(v.last_error_class, w.last_error_class), \
               last_error_at = COALESCE(v.last_error_at, w.last_error_at), \
               derived_status = 'online' \
               FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], \
                           $7::int8[], $8::int8[], $9::int8[], $10::text[], $11::text[], \
                           $12::text[], $13::int8[]) \
                 AS v(id, version, platform, arch, runtime_state, active_task_id, \
                      uptime_seconds, last_seen_at, clock_skew_ms, last_ip, last_error, \
                      last_error_class, last_error_at) \
               WHERE w.id = v.id";
    let column = |get: fn(&HeartbeatRecord) -> Option<String>| -> Vec<Option<String>> {
        records.iter().map(get).collect()
    };
    let number = |get: fn(&HeartbeatRecord) -> Option<i64>| -> Vec<Option<i64>> {
        records.iter().map(get).collect()
    };
    sqlx::query(sql)
        .bind(column(|r| Some(r.worker_id.clone())))
        .bind(column(|r| Some(r.version.clone())))
        .bind(column(|r| Some(r.platform.clone())))
        .bind(column(|r| Some(r.arch.clone())))
        .bind(column(|r| Some(r.runtime_state.to_owned())))
        .bind(column(|r| r.active_task_id.clone()))
        .bind(number(|r| Some(r.uptime_seconds)))
        .bind(number(|r| Some(r.last_seen_at)))
        .bind(number(|r| Some(r.clock_skew_ms)))
        .bind(column(|r| r.last_ip.clone()))
        .bind(column(|r| r.last_error.clone()))
        .bind(column(|r| r.last_error_class.map(str::to_owned)))
        .bind(number(|r| r.last_error_at))
        .execute(pool)
        .await
        .map(drop)
}

/// SQLite runs in the process: one transaction, one statement per record.
async fn write_sqlite(
    pool: &sqlx::SqlitePool,
    records: &[HeartbeatRecord],
) -> Result<(), sqlx::Error> {
    let sql = "UPDATE workers SET version = $1, platform = $2, arch = $3, runtime_state = $4, \
               active_task_id = $5, uptime_seconds = $6, last_seen_at = $7, clock_skew_ms = $8, \
               last_ip = $9, last_error = COALESCE($10, last_error), \
               last_error_class = COALESCE($11, last_error_class), \
               last_error_at = COALESCE($12, last_error_at), derived_status = 'online' \
               WHERE id = $13";
    let mut tx = pool.begin().await?;
    for record in records {
        sqlx::query(sql)
            .bind(&record.version)
            .bind(&record.platform)
            .bind(&record.arch)
            .bind(record.runtime_state)
            .bind(record.active_task_id.as_deref())
            .bind(record.uptime_seconds)
            .bind(record.last_seen_at)
            .bind(record.clock_skew_ms)
            .bind(record.last_ip.as_deref())
            .bind(record.last_error.as_deref())
            .bind(record.last_error_class)
            .bind(record.last_error_at)
            .bind(&record.worker_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

//! Rows as the database returns them, and their conversion to the fleet's model.

use edge_protocol::api::{ErrorClass, RuntimeState, TaskState, WorkerStatus};

use super::EdgeSettings;
use app_model::fleet::{Dataset, EnrollmentToken, Task, TokenState, Worker, WorkerEvent};

pub const TOKEN_COLUMNS: &str =
    "id, owner_id, label, secret_hmac, max_uses, uses, expires_at, revoked_at, created_at";

#[derive(Debug, sqlx::FromRow)]
pub struct TokenRow {
    pub id: String,
    pub owner_id: String,
    pub label: String,
    pub secret_hmac: String,
    pub max_uses: i64,
    pub uses: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    pub created_at: i64,
}

impl TokenRow {
    pub fn state(&self, now: i64) -> TokenState {
        if self.revoked_at.is_some() {
            TokenState::Revoked
        } else if self.expires_at <= now {
            TokenState::Expired
        } else if self.uses >= self.max_uses {
            TokenState::UsedUp
        } else {
            TokenState::Active
        }
    }

    pub fn to_model(&self, now: i64) -> EnrollmentToken {
        EnrollmentToken {
            id: self.id.clone(),
            label: self.label.clone(),
            max_uses: self.max_uses,
            uses: self.uses,
            expires_at: self.expires_at,
            created_at: self.created_at,
            state: self.state(now),
        }
    }
}

/// The worker columns, for a query that names the table `w`.
pub const WORKER_COLUMNS: &str = "w.id, w.owner_id, w.display_name, w.platform, w.arch, \
    w.version, w.cpus, w.runtime_state, w.active_task_id, w.uptime_seconds, w.last_seen_at, \
    w.clock_skew_ms, w.last_ip, w.last_error, w.last_error_class, w.last_error_at, \
    w.disabled_at, w.quarantined_at, w.consecutive_failures, w.rotate_requested, \
    w.derived_status, w.created_at";

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct WorkerRow {
    pub id: String,
    pub owner_id: String,
    pub display_name: String,
    pub platform: String,
    pub arch: String,
    pub version: String,
    pub cpus: i64,
    pub runtime_state: RuntimeState,
    pub active_task_id: Option<String>,
    pub uptime_seconds: i64,
    pub last_seen_at: Option<i64>,
    pub clock_skew_ms: Option<i64>,
    pub last_ip: Option<String>,
    pub last_error: Option<String>,
    pub last_error_class: Option<ErrorClass>,
    pub last_error_at: Option<i64>,
    pub disabled_at: Option<i64>,
    pub quarantined_at: Option<i64>,
    pub consecutive_failures: i64,
    pub rotate_requested: bool,
    /// What the liveness sweep last concluded (online, stale or offline).
    pub derived_status: WorkerStatus,
    pub created_at: i64,
}

/// Online, stale or offline, from the last time the server heard from the worker.
pub fn liveness(last_seen_at: Option<i64>, now: i64, settings: &EdgeSettings) -> WorkerStatus {
    match last_seen_at.map(|seen| now - seen) {
        Some(age) if age <= settings.online_secs => WorkerStatus::Online,
        Some(age) if age <= settings.stale_secs => WorkerStatus::Stale,
        _ => WorkerStatus::Offline,
    }
}

impl WorkerRow {
    /// Disabled and quarantined win over liveness: they are why a live agent gets no work.
    pub fn status(&self, now: i64, settings: &EdgeSettings) -> WorkerStatus {
        if self.disabled_at.is_some() {
            WorkerStatus::Disabled
        } else if self.quarantined_at.is_some() {
            WorkerStatus::Quarantined
        } else {
            liveness(self.last_seen_at, now, settings)
        }
    }

    pub fn to_model(&self, now: i64, settings: &EdgeSettings) -> Worker {
        Worker {
            id: self.id.clone(),
            owner_id: self.owner_id.clone(),
            display_name: self.display_name.clone(),
            status: self.status(now, settings),
            platform: self.platform.clone(),
            arch: self.arch.clone(),
            version: self.version.clone(),
            cpus: self.cpus,
            runtime_state: self.runtime_state.as_str().to_owned(),
            active_task_id: self.active_task_id.clone(),
            uptime_seconds: self.uptime_seconds,
            last_seen_at: self.last_seen_at,
            clock_skew_ms: self.clock_skew_ms,
            last_ip: self.last_ip.clone(),
            last_error: self.last_error.clone(),
            last_error_class: self.last_error_class.map(|class| class.as_str().to_owned()),
            last_error_at: self.last_error_at,
            consecutive_failures: self.consecutive_failures,
            created_at: self.created_at,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub struct EventRow {
    pub kind: String,
    pub detail: Option<String>,
    pub at: i64,
}

impl From<EventRow> for WorkerEvent {
    fn from(row: EventRow) -> Self {
        Self {
            kind: row.kind,
            detail: row.detail,
            at: row.at,
        }
    }
}

pub const DATASET_COLUMNS: &str =
    "id, owner_id, name, object_key, rows, size_bytes, sha256, first_time, last_time, created_at";

#[derive(Debug, sqlx::FromRow)]
pub struct DatasetRow {
    pub id: String,
    pub owner_id: String,
    pub name: String,
    pub object_key: String,
    pub rows: i64,
    pub size_bytes: i64,
    pub sha256: String,
    pub first_time: i64,
    pub last_time: i64,
    pub created_at: i64,
}

impl DatasetRow {
    pub fn to_model(&self) -> Dataset {
        Dataset {
            id: self.id.clone(),
            name: self.name.clone(),
            rows: self.rows,
            size_bytes: self.size_bytes,
            sha256: self.sha256.clone(),
            first_time: self.first_time,
            last_time: self.last_time,
            created_at: self.created_at,
        }
    }
}

pub const TASK_COLUMNS: &str = "t.id, t.owner_id, t.dataset_id, t.worker_id, t.strategy, t.grid, \
    t.configs_total, t.configs_done, t.fee, t.slippage, t.state, t.leased_by, t.lease_expires_at, \
    t.attempts, t.cancel_requested, t.error, t.created_at, t.started_at, t.finished_at, \
    t.results_stored AS result_count";

#[derive(Debug, sqlx::FromRow)]
pub struct TaskRow {
    pub id: String,
    pub owner_id: String,
    pub dataset_id: String,
    pub worker_id: Option<String>,
    pub strategy: String,
    pub grid: String,
    pub configs_total: i64,
    pub configs_done: i64,
    pub fee: f64,
    pub slippage: f64,
    pub state: TaskState,
    pub leased_by: Option<String>,
    pub lease_expires_at: Option<i64>,
    pub attempts: i64,
    pub cancel_requested: bool,
    pub error: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub result_count: i64,
}

impl TaskRow {
    pub fn to_model(&self) -> Task {
        Task {
            id: self.id.clone(),
            state: self.state,
            strategy: self.strategy.clone(),
            grid: self.grid.clone(),
            dataset_id: self.dataset_id.clone(),
            worker_id: self.worker_id.clone(),
            leased_by: self.leased_by.clone(),
            configs_total: self.configs_total,
            configs_done: self.configs_done,
            result_count: self.result_count,
            fee: self.fee,
            slippage: self.slippage,
            attempts: self.attempts,
            cancel_requested: self.cancel_requested,
            error: self.error.clone(),
            created_at: self.created_at,
            started_at: self.started_at,
            finished_at: self.finished_at,
        }
    }
}

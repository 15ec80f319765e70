//! Tasks: leasing, progress, results, and the end of a task.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::backtest::{Costs, CurvePoint, Metrics, Trade};
use crate::strategy::{StrategyConfig, StrategyName};

/// The most results one `POST …/results` call may carry.
pub const MAX_RESULTS_PER_BATCH: usize = 500;

/// Where a task is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum TaskState {
    /// Waiting for a worker.
    Queued,
    /// Handed to a worker that has not reported progress yet.
    Leased,
    /// A worker reports progress on it.
    Running,
    Done,
    Failed,
    Cancelled,
}

impl TaskState {
    pub const ALL: [Self; 6] = [
        Self::Queued,
        Self::Leased,
        Self::Running,
        Self::Done,
        Self::Failed,
        Self::Cancelled,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Leased => "leased",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    /// Whether the task has ended (done, failed or cancelled).
    pub const fn is_finished(self) -> bool {
        matches!(self, Self::Done | Self::Failed | Self::Cancelled)
    }
}

/// The dataset a task runs over; download it from `GET /edge/v1/tasks/{id}/dataset`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DatasetRef {
    pub id: Uuid,
    pub rows: u64,
    pub size_bytes: u64,
    /// Hex SHA-256 of the CSV file, to check the download against.
    pub sha256: String,
}

/// One config of a task, numbered within the task.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskConfig {
    pub config_id: u32,
    pub config: StrategyConfig,
}

/// A task handed to a worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeasedTask {
    pub id: Uuid,
    pub strategy: StrategyName,
    pub costs: Costs,
    pub dataset: DatasetRef,
    /// Every config of the task.
    pub configs: Vec<TaskConfig>,
    /// Configs that already have a result (from an earlier lease); skip them.
    pub completed_config_ids: Vec<u32>,
    /// The lease ends then unless a task heartbeat extends it.
    pub lease_expires_at: DateTime<Utc>,
}

/// The reply to `POST /edge/v1/tasks/next`: a task, or `null` when there is none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LeaseResponse {
    pub task: Option<LeasedTask>,
}

/// `POST /edge/v1/tasks/{id}/heartbeat`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskHeartbeatRequest {
    /// Configs finished so far, out of the task's total.
    pub configs_done: u32,
}

/// The reply to a task heartbeat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskHeartbeatResponse {
    /// The owner asked to cancel: stop, post what is finished, and call `complete`.
    pub cancel_requested: bool,
    pub lease_expires_at: DateTime<Utc>,
}

/// The result of one config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigResult {
    pub config_id: u32,
    pub metrics: Metrics,
    /// Equity at evenly spaced bars, at most 1,000 points.
    pub equity_curve: Vec<CurvePoint>,
    /// The round trips in order, at most 10,000 (`MAX_TRADES_PER_RESULT`).
    #[serde(default)]
    pub trades: Vec<Trade>,
    /// Whether the run made more trades than `trades` holds.
    #[serde(default)]
    pub trades_truncated: bool,
}

/// `POST /edge/v1/tasks/{id}/results`: a batch of results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultBatch {
    pub results: Vec<ConfigResult>,
}

/// The reply to a result batch. Posting a config's result again is harmless.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultsAccepted {
    /// Results stored by this call.
    pub accepted: u32,
    /// Results the server already had.
    pub duplicates: u32,
    /// Configs of the task with a result, after this call.
    pub configs_done: u32,
}

/// `POST /edge/v1/tasks/{id}/fail`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailRequest {
    /// What went wrong, at most 500 characters.
    pub error: String,
}

/// The reply to `complete`, `fail` and `release`: the state the task ended in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskOutcome {
    pub state: TaskState,
}

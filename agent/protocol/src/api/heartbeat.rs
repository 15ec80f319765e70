//! The connectivity heartbeat (`POST /edge/v1/heartbeat`) and worker status.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Intervals;

/// The longest last-error message the server keeps, in characters.
pub const MAX_ERROR_CHARS: usize = 500;

/// What the agent is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum RuntimeState {
    Idle,
    Busy,
    Upgrading,
    Error,
}

impl RuntimeState {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Busy => "busy",
            Self::Upgrading => "upgrading",
            Self::Error => "error",
        }
    }
}

/// Where an error the agent reports came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum ErrorClass {
    /// The server could not be reached.
    Network,
    /// The server refused the credential.
    Auth,
    /// The server answered with an error.
    Server,
    /// A task failed on the agent.
    Task,
}

impl ErrorClass {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Network => "network",
            Self::Auth => "auth",
            Self::Server => "server",
            Self::Task => "task",
        }
    }
}

/// The agent's most recent error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportedError {
    pub class: ErrorClass,
    /// At most [`MAX_ERROR_CHARS`] characters; longer messages are cut by the server.
    pub message: String,
    /// When it happened, by the agent's clock.
    pub at: DateTime<Utc>,
}

/// `POST /edge/v1/heartbeat`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeartbeatRequest {
    /// The agent's clock when it sent the heartbeat; the server derives clock skew from it.
    pub sent_at: DateTime<Utc>,
    pub version: String,
    pub platform: String,
    pub arch: String,
    pub state: RuntimeState,
    /// The task the agent is running, if any.
    pub active_task: Option<Uuid>,
    pub uptime_seconds: u64,
    pub last_error: Option<ReportedError>,
}

/// A worker's status as the server sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum WorkerStatus {
    /// Heard from within the online threshold (60 s by default).
    Online,
    /// Heard from within the stale threshold (5 min by default).
    Stale,
    /// Not heard from for longer, or never.
    Offline,
    /// Failed three tasks in a row; gets no tasks until its owner releases it.
    Quarantined,
    /// Turned off by its owner; its calls are refused.
    Disabled,
}

impl WorkerStatus {
    pub const ALL: [Self; 5] = [
        Self::Online,
        Self::Stale,
        Self::Offline,
        Self::Quarantined,
        Self::Disabled,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Online => "online",
            Self::Stale => "stale",
            Self::Offline => "offline",
            Self::Quarantined => "quarantined",
            Self::Disabled => "disabled",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }
}

/// The reply to a heartbeat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeartbeatResponse {
    /// The server's clock when it received the heartbeat.
    pub received_at: DateTime<Utc>,
    pub status: WorkerStatus,
    /// The intervals to use from now on.
    pub intervals: Intervals,
    /// The owner asked for a new credential: call `POST /edge/v1/credentials/rotate`.
    pub rotate_credential: bool,
}

/// `GET /edge/v1/worker`: the calling worker as the server sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkerInfo {
    pub worker_id: Uuid,
    pub display_name: String,
    pub status: WorkerStatus,
    /// The server's clock at the last heartbeat.
    pub last_seen_at: Option<DateTime<Utc>>,
    pub intervals: Intervals,
}

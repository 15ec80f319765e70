//! What the fleet's server functions return: plain data, shared by server and browser.
//! Times are Unix seconds.

use serde::{Deserialize, Serialize};

pub use edge_protocol::api::{TaskState, WorkerStatus};
pub use edge_protocol::dataset::PriceOutline;

/// Where an enrollment token stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
    UsedUp,
}

impl TokenState {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Expired => "Expired",
            Self::Revoked => "Revoked",
            Self::UsedUp => "Used up",
        }
    }
}

/// An enrollment token as its owner sees it: never the secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrollmentToken {
    pub id: String,
    pub label: String,
    pub max_uses: i64,
    pub uses: i64,
    pub expires_at: i64,
    pub created_at: i64,
    pub state: TokenState,
}

/// A token just created: the only time its secret is shown. `Debug` leaves it out.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    /// `etr_live_…`
    pub token: String,
    pub details: EnrollmentToken,
}

impl std::fmt::Debug for CreatedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedToken")
            .field("token", &"<redacted>")
            .field("details", &self.details)
            .finish()
    }
}

/// A worker, with everything needed to answer "why is it offline?".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Worker {
    pub id: String,
    pub owner_id: String,
    pub display_name: String,
    pub status: WorkerStatus,
    pub platform: String,
    pub arch: String,
    pub version: String,
    pub cpus: i64,
    pub runtime_state: String,
    pub active_task_id: Option<String>,
    pub uptime_seconds: i64,
    /// The server's clock at the last heartbeat.
    pub last_seen_at: Option<i64>,
    /// The agent's clock minus the server's, at the last heartbeat.
    pub clock_skew_ms: Option<i64>,
    pub last_ip: Option<String>,
    pub last_error: Option<String>,
    pub last_error_class: Option<String>,
    pub last_error_at: Option<i64>,
    pub consecutive_failures: i64,
    pub created_at: i64,
}

/// One entry of a worker's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerEvent {
    pub kind: String,
    pub detail: Option<String>,
    pub at: i64,
}

/// A dataset and its price in outline, for the datasets page's chart; `outline` is `None`
/// for a dataset stored before outlines were kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetChart {
    pub dataset: Dataset,
    pub outline: Option<PriceOutline>,
}

/// A stored dataset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dataset {
    pub id: String,
    pub name: String,
    pub rows: i64,
    pub size_bytes: i64,
    pub sha256: String,
    pub first_time: i64,
    pub last_time: i64,
    pub created_at: i64,
}

/// A task and its progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: String,
    pub state: TaskState,
    pub strategy: String,
    pub grid: String,
    pub dataset_id: String,
    /// The worker the task is pinned to; `None` lets any of the owner's workers take it.
    pub worker_id: Option<String>,
    pub leased_by: Option<String>,
    pub configs_total: i64,
    pub configs_done: i64,
    pub result_count: i64,
    pub fee: f64,
    pub slippage: f64,
    pub attempts: i64,
    pub cancel_requested: bool,
    pub error: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
}

/// What creating a task asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewTask {
    pub dataset_id: String,
    pub strategy: String,
    /// The text form: `fast=5..20:5,slow=20..60:10`.
    pub grid: String,
    pub fee: f64,
    pub slippage: f64,
    pub worker_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_token_does_not_show_its_secret_in_debug_output() {
        let secret = "0123456789abcdef0123456789abcdef0123456789abcdef";
        let created = CreatedToken {
            token: format!("etr_live_deadbeef_{secret}"),
            details: EnrollmentToken {
                id: "deadbeef".to_owned(),
                label: "laptop".to_owned(),
                max_uses: 1,
                uses: 0,
                expires_at: 0,
                created_at: 0,
                state: TokenState::Active,
            },
        };
        let shown = format!("{created:?}");
        assert!(!shown.contains(secret), "{shown}");
        assert!(shown.contains("laptop"), "{shown}");
    }
}

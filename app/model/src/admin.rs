//! Wire types of the admin section, shared by the server and the browser.
//! Times are Unix seconds (UTC); pages format them.

use serde::{Deserialize, Serialize};

use crate::auth::{AuditAction, Role};
use crate::fleet::{Task, TaskState, Worker, WorkerStatus};

/// Whether an account may sign in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "lowercase")
)]
pub enum UserStatus {
    Active,
    Disabled,
}

impl UserStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "active" => Some(Self::Active),
            "disabled" => Some(Self::Disabled),
            _ => None,
        }
    }
}

/// One account as the users list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUser {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub status: UserStatus,
    pub created_at: i64,
    pub last_sign_in_at: Option<i64>,
    /// Signed-in sessions right now.
    pub sessions: u32,
    /// Whether the account can sign in with a password (provider-only accounts cannot).
    pub has_password: bool,
}

/// One page of the users list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub users: Vec<AdminUser>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// A user an audit entry names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    pub id: String,
    pub email: String,
}

/// One audit log entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub action: AuditAction,
    pub actor: Option<UserRef>,
    pub subject: Option<UserRef>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// A JSON object of action-specific facts; never secrets.
    pub details: String,
}

/// What the audit log viewer filters on; every part optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Part of the email of the actor or the subject.
    #[serde(default)]
    pub user: String,
    /// One action's stored name, or empty for all.
    #[serde(default)]
    pub action: String,
    /// First day included, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    pub from: String,
    /// Last day included, `YYYY-MM-DD` (UTC).
    #[serde(default)]
    pub to: String,
}

/// One page of audit entries, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// The admin overview's numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub users: u64,
    pub admins: u64,
    pub disabled: u64,
    pub signed_in_sessions: u64,
    pub sign_ins_last_day: u64,
    pub failed_sign_ins_last_day: u64,
}

/// An agent as the admin fleet list shows it: the agent, and whose it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetAgent {
    pub worker: Worker,
    pub owner: UserRef,
}

/// One page of every user's agents, newest first, with how many of the searched agents
/// have each status (whatever the status filter).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FleetAgentPage {
    pub agents: Vec<FleetAgent>,
    pub by_status: Vec<(WorkerStatus, u64)>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// A backtest as the admin fleet list shows it: the task, and whose it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FleetTask {
    pub task: Task,
    pub owner: UserRef,
}

/// One page of every user's backtests, newest first, with how many of the searched
/// backtests are in each state (whatever the state filter).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FleetTaskPage {
    pub tasks: Vec<FleetTask>,
    pub by_state: Vec<(TaskState, u64)>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
}

/// How many pages `total` items fill.
pub fn page_count(total: u64, per_page: u32) -> u64 {
    total.div_ceil(u64::from(per_page.max(1))).max(1)
}

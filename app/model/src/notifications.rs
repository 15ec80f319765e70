//! In-app notifications: what a user is told without looking — an agent went offline, was
//! quarantined or is about to lose its credential, a backtest finished or failed — and
//! which of those they want to hear.

use serde::{Deserialize, Serialize};

/// What a notification is about. Each kind can be turned off on the account page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "sqlx",
    derive(sqlx::Type),
    sqlx(type_name = "TEXT", rename_all = "snake_case")
)]
pub enum NotificationKind {
    AgentOffline,
    AgentQuarantined,
    CredentialExpiring,
    BacktestFinished,
    BacktestFailed,
}

impl NotificationKind {
    pub const ALL: [Self; 5] = [
        Self::AgentOffline,
        Self::AgentQuarantined,
        Self::CredentialExpiring,
        Self::BacktestFinished,
        Self::BacktestFailed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AgentOffline => "agent_offline",
            Self::AgentQuarantined => "agent_quarantined",
            Self::CredentialExpiring => "credential_expiring",
            Self::BacktestFinished => "backtest_finished",
            Self::BacktestFailed => "backtest_failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// The setting's label on the account page.
    pub const fn label(self) -> &'static str {
        match self {
            Self::AgentOffline => "An agent goes offline",
            Self::AgentQuarantined => "An agent is quarantined after repeated failures",
            Self::CredentialExpiring => {
                "An agent's old credential is about to stop working before it used its new one"
            }
            Self::BacktestFinished => "A backtest finishes",
            Self::BacktestFailed => "A backtest fails",
        }
    }
}

/// One notification as its recipient sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    /// Where it leads in the product app (a path on the beta host).
    pub link: String,
    pub created_at: i64,
    pub read: bool,
}

/// The newest notifications and how many are unread in all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationList {
    pub items: Vec<Notification>,
    pub unread: i64,
}

/// Whether a user hears of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationSetting {
    pub kind: NotificationKind,
    pub enabled: bool,
}

#[cfg(test)]
mod tests {
    use super::NotificationKind;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(NotificationKind::parse("nope"), None);
    }
}

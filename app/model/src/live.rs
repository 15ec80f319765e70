//! Live updates: what the beta and admin hosts push to an open page when something it
//! shows changes. An event names what changed, never its content: the page fetches the
//! new state through the same server functions it rendered with, so a stream can never
//! show more than the page could.

use serde::{Deserialize, Serialize};

/// The path of the event stream on the beta host (the caller's own objects) and on the
/// admin host (everyone's, for administrators).
pub const STREAM_PATH: &str = "/api/live";

/// The SSE event name of a [`Change`].
pub const CHANGE_EVENT: &str = "change";

/// The SSE event name that says "events were missed; fetch everything again". Sent when
/// a resumed stream's gap cannot be replayed.
pub const RESYNC_EVENT: &str = "resync";

/// What kind of object changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// An agent: registered, came online, went stale or offline, was disabled, rotated…
    Worker,
    /// A task: created, leased, progressed, got results, finished, was cancelled…
    Task,
    /// An enrollment token: created, used, revoked.
    Token,
    /// A dataset: imported or deleted.
    Dataset,
    /// One of the user's notifications: new, or read.
    Notification,
}

impl ChangeKind {
    pub const ALL: [Self; 5] = [
        Self::Worker,
        Self::Task,
        Self::Token,
        Self::Dataset,
        Self::Notification,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Worker => "worker",
            Self::Task => "task",
            Self::Token => "token",
            Self::Dataset => "dataset",
            Self::Notification => "notification",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// Its position in [`Self::ALL`], for per-kind counters.
    pub const fn index(self) -> usize {
        match self {
            Self::Worker => 0,
            Self::Task => 1,
            Self::Token => 2,
            Self::Dataset => 3,
            Self::Notification => 4,
        }
    }
}

/// One change, as the data of a `change` event: `{"kind":"task","id":"…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub kind: ChangeKind,
    pub id: String,
}

#[cfg(test)]
mod tests {
    use super::{Change, ChangeKind};

    #[test]
    fn kinds_round_trip_through_their_names_and_index_their_list() {
        for (index, kind) in ChangeKind::ALL.into_iter().enumerate() {
            assert_eq!(ChangeKind::parse(kind.as_str()), Some(kind));
            assert_eq!(kind.index(), index);
        }
        assert_eq!(ChangeKind::parse("user"), None);
    }

    #[test]
    fn a_change_is_the_json_the_browser_reads() {
        let change = Change {
            kind: ChangeKind::Task,
            id: "t1".to_owned(),
        };
        let json = serde_json::to_string(&change).expect("serializes");
        assert_eq!(json, r#"{"kind":"task","id":"t1"}"#);
        assert_eq!(
            serde_json::from_str::<Change>(&json).expect("parses"),
            change
        );
    }
}

//! Announcing a change once it is committed. On PostgreSQL the announcement goes through
//! `NOTIFY` on [`CHANNEL`], and every replica's listener (this one's included) hands it to
//! its hub, so a page open on any replica hears of a change made on any other. SQLite is
//! one process: the change goes straight to the hub.
//!
//! Announcing never fails the change it follows: the change is already committed, and a
//! page that misses an event still refreshes on its own within half a minute.

use std::sync::Arc;
use std::time::Duration;

use app_model::live::{Change, ChangeKind};

use super::LiveHub;
use crate::fleet::EdgeContext;
use crate::storage::{Database, on_pool};

/// The PostgreSQL channel of live changes; the payload is `owner kind id`.
pub const CHANNEL: &str = "live_changes";

/// Tells `owner_id`'s open pages (and the admin's) that `id` of `kind` changed.
pub async fn announce(context: &EdgeContext, owner_id: &str, kind: ChangeKind, id: &str) {
    match &context.database {
        Database::Postgres(pool) => {
            let payload = format!("{owner_id} {} {id}", kind.as_str());
            let sent = sqlx::query("SELECT pg_notify($1, $2)")
                .bind(CHANNEL)
                .bind(payload)
                .execute(pool)
                .await;
            if let Err(err) = sent {
                tracing::warn!(error = %err, kind = kind.as_str(), "live: a change was not announced");
            }
        }
        Database::Sqlite(_) => {
            context.live.deliver(
                owner_id,
                Change {
                    kind,
                    id: id.to_owned(),
                },
            );
        }
    }
}

/// [`announce`] for a row whose owner the caller does not have at hand (the background
/// sweeps): the owner is read from the row. A row deleted meanwhile is nobody's news.
pub async fn announce_row(context: &EdgeContext, kind: ChangeKind, id: &str) {
    let sql = match kind {
        ChangeKind::Worker => "SELECT owner_id FROM workers WHERE id = $1",
        ChangeKind::Task => "SELECT owner_id FROM tasks WHERE id = $1",
        ChangeKind::Token => "SELECT owner_id FROM enrollment_tokens WHERE id = $1",
        ChangeKind::Dataset => "SELECT owner_id FROM datasets WHERE id = $1",
        ChangeKind::Notification => "SELECT user_id FROM notifications WHERE id = $1",
    };
    let owner: Result<Option<String>, sqlx::Error> = on_pool!(&context.database, |pool| {
        sqlx::query_scalar(sql).bind(id).fetch_optional(pool).await
    });
    match owner {
        Ok(Some(owner_id)) => announce(context, &owner_id, kind, id).await,
        Ok(None) => {}
        Err(err) => {
            tracing::warn!(error = %err, kind = kind.as_str(), "live: a change's owner was not found");
        }
    }
}

/// Reads a `NOTIFY` payload back into an owner and a change.
fn parse_payload(payload: &str) -> Option<(&str, Change)> {
    let mut parts = payload.splitn(3, ' ');
    let owner_id = parts.next().filter(|owner| !owner.is_empty())?;
    let kind = ChangeKind::parse(parts.next()?)?;
    let id = parts.next().filter(|id| !id.is_empty())?;
    Some((
        owner_id,
        Change {
            kind,
            id: id.to_owned(),
        },
    ))
}

/// Feeds the hub from every replica's announcements (PostgreSQL only); runs until the pool
/// closes. Each (re)connection may have missed announcements, so it tells the hub, whose
/// streams then resync.
pub fn spawn_listener(database: &Database, hub: Arc<LiveHub>) {
    let Database::Postgres(pool) = database else {
        hub.set_listening(true);
        return;
    };
    let pool = pool.clone();
    tokio::spawn(async move {
        loop {
            let listen = async {
                let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
                listener.listen(CHANNEL).await?;
                hub.lost_continuity();
                hub.set_listening(true);
                loop {
                    let notification = listener.recv().await?;
                    match parse_payload(notification.payload()) {
                        Some((owner_id, change)) => {
                            hub.deliver(owner_id, change);
                        }
                        None => tracing::warn!("live: an announcement could not be read"),
                    }
                }
            };
            let result: Result<(), sqlx::Error> = listen.await;
            hub.set_listening(false);
            if pool.is_closed() {
                return;
            }
            if let Err(err) = result {
                tracing::warn!(error = %err, "live: the change listener lost its connection; retrying");
            }
            hub.lost_continuity();
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
}

#[cfg(test)]
mod tests {
    use app_model::live::ChangeKind;

    use super::parse_payload;

    #[test]
    fn payloads_read_back_into_owner_kind_and_id() {
        let (owner, change) = parse_payload("u-1 task 9f3e").expect("a payload");
        assert_eq!(owner, "u-1");
        assert_eq!(change.kind, ChangeKind::Task);
        assert_eq!(change.id, "9f3e");
        assert!(parse_payload("u-1 user 9f3e").is_none());
        assert!(parse_payload("u-1 task").is_none());
        assert!(parse_payload("").is_none());
    }
}

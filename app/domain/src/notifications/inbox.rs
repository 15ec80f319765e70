//! A user's own notifications and settings. Every query is bound to the caller's id.

use app_model::live::ChangeKind;
use app_model::notifications::{
    Notification, NotificationKind, NotificationList, NotificationSetting,
};

use super::{KEEP_READ_SECS, SHOWN};
use crate::fleet::error::StorageContext;
use crate::fleet::{EdgeContext, FleetError, now};
use crate::live::announce;
use crate::storage::on_pool;

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    kind: NotificationKind,
    title: String,
    body: String,
    link: String,
    created_at: i64,
    read_at: Option<i64>,
}

impl Row {
    fn into_model(self) -> Notification {
        Notification {
            id: self.id,
            kind: self.kind,
            title: self.title,
            body: self.body,
            link: self.link,
            created_at: self.created_at,
            read: self.read_at.is_some(),
        }
    }
}

/// The newest notifications of `user_id` and how many are unread.
pub async fn list(context: &EdgeContext, user_id: &str) -> Result<NotificationList, FleetError> {
    let sql = format!(
        "SELECT id, kind, title, body, link, created_at, read_at FROM notifications \
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT {SHOWN}"
    );
    let rows: Vec<Row> = on_pool!(&context.database, |pool| sqlx::query_as(&sql)
        .bind(user_id)
        .fetch_all(pool)
        .await)
    .during("listing notifications")?;
    Ok(NotificationList {
        items: rows.into_iter().map(Row::into_model).collect(),
        unread: unread(context, user_id).await?,
    })
}

/// How many of `user_id`'s notifications are unread.
pub async fn unread(context: &EdgeContext, user_id: &str) -> Result<i64, FleetError> {
    let sql = "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL";
    on_pool!(&context.database, |pool| sqlx::query_scalar(sql)
        .bind(user_id)
        .fetch_one(pool)
        .await)
    .during("counting unread notifications")
}

/// Marks one of `user_id`'s notifications read; anyone else's is "not found".
pub async fn mark_read(context: &EdgeContext, user_id: &str, id: &str) -> Result<(), FleetError> {
    let sql = "UPDATE notifications SET read_at = COALESCE(read_at, $1) \
               WHERE id = $2 AND user_id = $3";
    let found = on_pool!(&context.database, |pool| sqlx::query(sql)
        .bind(now())
        .bind(id)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
    .during("marking a notification read")?;
    if found == 0 {
        return Err(FleetError::not_found("notification"));
    }
    announce(context, user_id, ChangeKind::Notification, id).await;
    Ok(())
}

/// Marks every unread notification of `user_id` read; returns how many.
pub async fn mark_all_read(context: &EdgeContext, user_id: &str) -> Result<u64, FleetError> {
    let sql = "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL";
    let marked = on_pool!(&context.database, |pool| sqlx::query(sql)
        .bind(now())
        .bind(user_id)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
    .during("marking notifications read")?;
    if marked > 0 {
        announce(context, user_id, ChangeKind::Notification, "all").await;
    }
    Ok(marked)
}

/// Every kind with whether `user_id` hears it (on unless turned off).
pub async fn settings(
    context: &EdgeContext,
    user_id: &str,
) -> Result<Vec<NotificationSetting>, FleetError> {
    let sql = "SELECT kind, enabled FROM notification_settings WHERE user_id = $1";
    let stored: Vec<(NotificationKind, bool)> =
        on_pool!(&context.database, |pool| sqlx::query_as(sql)
            .bind(user_id)
            .fetch_all(pool)
            .await)
        .during("loading notification settings")?;
    Ok(NotificationKind::ALL
        .into_iter()
        .map(|kind| NotificationSetting {
            kind,
            enabled: stored
                .iter()
                .find(|(stored, _)| *stored == kind)
                .is_none_or(|(_, enabled)| *enabled),
        })
        .collect())
}

/// Stores `user_id`'s choices; kinds not named keep theirs.
pub async fn save_settings(
    context: &EdgeContext,
    user_id: &str,
    choices: &[NotificationSetting],
) -> Result<Vec<NotificationSetting>, FleetError> {
    let sql = "INSERT INTO notification_settings (user_id, kind, enabled) VALUES ($1, $2, $3) \
               ON CONFLICT (user_id, kind) DO UPDATE SET enabled = excluded.enabled";
    for choice in choices {
        on_pool!(&context.database, |pool| sqlx::query(sql)
            .bind(user_id)
            .bind(choice.kind)
            .bind(choice.enabled)
            .execute(pool)
            .await
            .map(drop))
        .during("saving notification settings")?;
    }
    settings(context, user_id).await
}

/// Deletes notifications read more than [`KEEP_READ_SECS`] ago (a background job).
pub async fn prune(context: &EdgeContext) -> Result<u64, FleetError> {
    let sql = "DELETE FROM notifications WHERE read_at IS NOT NULL AND read_at < $1";
    on_pool!(&context.database, |pool| sqlx::query(sql)
        .bind(now() - KEEP_READ_SECS)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))
    .during("pruning notifications")
}

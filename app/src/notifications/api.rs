//! The notifications' server functions, under `/api/notifications/`. Each one reads or
//! changes only the caller's own notifications; signed out, they answer 401.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::errors::with_status;
use crate::fleet::model::FleetError;
use app_model::notifications::{NotificationList, NotificationSetting};

/// The caller's newest notifications and their unread count.
#[server(prefix = "/api", endpoint = "notifications/list")]
pub async fn list_notifications() -> Result<NotificationList, FleetError> {
    with_status(super::handlers::list().await)
}

/// How many of the caller's notifications are unread.
#[server(prefix = "/api", endpoint = "notifications/unread")]
pub async fn unread_notifications() -> Result<i64, FleetError> {
    with_status(super::handlers::unread().await)
}

/// The header's count: how many are unread, or nothing for a stranger (never a refusal,
/// since the header renders on every page, signed in or not).
#[server(prefix = "/api", endpoint = "notifications/badge")]
pub async fn notification_badge() -> Result<Option<i64>, FleetError> {
    with_status(super::handlers::badge().await)
}

/// Marks one of the caller's notifications read.
#[server(prefix = "/api", endpoint = "notifications/read")]
pub async fn mark_notification_read(id: String) -> Result<(), FleetError> {
    with_status(super::handlers::mark_read(id).await)
}

/// Marks all of the caller's notifications read; returns how many were unread.
#[server(prefix = "/api", endpoint = "notifications/read_all")]
pub async fn mark_all_notifications_read() -> Result<u64, FleetError> {
    with_status(super::handlers::mark_all_read().await)
}

/// Every kind of notification and whether the caller hears it.
#[server(prefix = "/api", endpoint = "notifications/settings")]
pub async fn notification_settings() -> Result<Vec<NotificationSetting>, FleetError> {
    with_status(super::handlers::settings().await)
}

/// Saves which kinds the caller hears: a kind is on when its checkbox was sent (the form
/// posts one field per kind that is ticked, so it works without JavaScript too).
#[server(prefix = "/api", endpoint = "notifications/save_settings")]
pub async fn save_notification_settings(
    #[server(default)] agent_offline: Option<String>,
    #[server(default)] agent_quarantined: Option<String>,
    #[server(default)] credential_expiring: Option<String>,
    #[server(default)] backtest_finished: Option<String>,
    #[server(default)] backtest_failed: Option<String>,
) -> Result<Vec<NotificationSetting>, FleetError> {
    let ticked = [
        agent_offline.is_some(),
        agent_quarantined.is_some(),
        credential_expiring.is_some(),
        backtest_finished.is_some(),
        backtest_failed.is_some(),
    ];
    with_status(super::handlers::save_settings(ticked).await)
}

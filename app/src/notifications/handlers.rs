//! The bodies of the notifications' server functions: the caller is checked first, and
//! every query is bound to their own id.

use app_model::notifications::{NotificationKind, NotificationList, NotificationSetting};
use domain::notifications;

use crate::fleet::handlers::caller;
use crate::fleet::model::FleetError;

pub async fn list() -> Result<NotificationList, FleetError> {
    let (context, owner) = caller().await?;
    Ok(notifications::list(&context, &owner.user_id).await?)
}

pub async fn unread() -> Result<i64, FleetError> {
    let (context, owner) = caller().await?;
    Ok(notifications::unread(&context, &owner.user_id).await?)
}

pub async fn badge() -> Result<Option<i64>, FleetError> {
    match caller().await {
        Ok((context, owner)) => Ok(Some(notifications::unread(&context, &owner.user_id).await?)),
        Err(FleetError::Unauthenticated) => Ok(None),
        Err(err) => Err(err),
    }
}

pub async fn mark_read(id: String) -> Result<(), FleetError> {
    let (context, owner) = caller().await?;
    Ok(notifications::mark_read(&context, &owner.user_id, id.trim()).await?)
}

pub async fn mark_all_read() -> Result<u64, FleetError> {
    let (context, owner) = caller().await?;
    Ok(notifications::mark_all_read(&context, &owner.user_id).await?)
}

pub async fn settings() -> Result<Vec<NotificationSetting>, FleetError> {
    let (context, owner) = caller().await?;
    Ok(notifications::settings(&context, &owner.user_id).await?)
}

/// `ticked` follows `NotificationKind::ALL`.
pub async fn save_settings(
    ticked: [bool; NotificationKind::ALL.len()],
) -> Result<Vec<NotificationSetting>, FleetError> {
    let (context, owner) = caller().await?;
    let choices: Vec<NotificationSetting> = NotificationKind::ALL
        .into_iter()
        .zip(ticked)
        .map(|(kind, enabled)| NotificationSetting { kind, enabled })
        .collect();
    Ok(notifications::save_settings(&context, &owner.user_id, &choices).await?)
}

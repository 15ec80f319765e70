//! The admin server functions, with stable endpoints under `/api/admin/`.
//! Every one is for administrators only (checked inside, on every call).

use leptos::prelude::*;

use super::model::{
    AdminError, AdminUser, AuditFilter, AuditPage, FleetAgentPage, FleetTaskPage, Overview,
    UserPage, UserStatus,
};
use crate::auth::model::Role;
#[cfg(feature = "ssr")]
use crate::errors::with_status;

/// Counts for the admin overview.
#[server(prefix = "/api", endpoint = "admin/overview")]
pub async fn admin_overview() -> Result<Overview, AdminError> {
    with_status(super::handlers::overview().await)
}

/// One page of accounts whose email or name contains `q`.
#[server(prefix = "/api", endpoint = "admin/users")]
pub async fn list_users(
    #[server(default)] q: String,
    #[server(default)] page: u32,
) -> Result<UserPage, AdminError> {
    with_status(super::handlers::users(q, page).await)
}

/// Makes a user an administrator or a plain user; their sessions get new ids.
#[server(prefix = "/api", endpoint = "admin/set_role")]
pub async fn set_user_role(user_id: String, role: Role) -> Result<AdminUser, AdminError> {
    with_status(super::handlers::set_role(user_id, role).await)
}

/// Disables (ending every session at once) or enables an account.
#[server(prefix = "/api", endpoint = "admin/set_status")]
pub async fn set_user_status(user_id: String, status: UserStatus) -> Result<AdminUser, AdminError> {
    with_status(super::handlers::set_status(user_id, status).await)
}

/// Ends every session of a user.
#[server(prefix = "/api", endpoint = "admin/end_sessions")]
pub async fn end_user_sessions(user_id: String) -> Result<AdminUser, AdminError> {
    with_status(super::handlers::end_user_sessions(user_id).await)
}

/// One page of the audit log, filtered.
#[server(prefix = "/api", endpoint = "admin/audit")]
pub async fn audit_log(
    #[server(flatten)]
    #[server(default)]
    filter: AuditFilter,
    #[server(default)] page: u32,
) -> Result<AuditPage, AdminError> {
    with_status(super::handlers::audit_log(filter, page).await)
}

/// One page of every user's agents whose name, id, version or owner's email contains
/// `q`; `status` (`online`, `stale`, …) narrows it, empty for all.
#[server(prefix = "/api", endpoint = "admin/agents")]
pub async fn admin_agents(
    #[server(default)] q: String,
    #[server(default)] status: String,
    #[server(default)] page: u32,
) -> Result<FleetAgentPage, AdminError> {
    with_status(super::handlers::agents(q, status, page).await)
}

/// One page of every user's backtests whose id, strategy, dataset or owner's email
/// contains `q`; `state` (`queued`, `running`, …) narrows it, empty for all.
#[server(prefix = "/api", endpoint = "admin/backtests")]
pub async fn admin_backtests(
    #[server(default)] q: String,
    #[server(default)] state: String,
    #[server(default)] page: u32,
) -> Result<FleetTaskPage, AdminError> {
    with_status(super::handlers::backtests(q, state, page).await)
}

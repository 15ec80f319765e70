//! The bodies of the admin server functions (see `admin::api`). Each one starts with
//! `require_admin`; anonymous callers get 401, signed-in non-administrators 403.

use super::model::{
    AdminError, AdminUser, AuditFilter, AuditPage, FleetAgentPage, FleetTaskPage, Overview,
    UserPage, UserStatus,
};
use crate::auth::model::Role;
use crate::auth::ssr::guard::{Caller, require_admin};
use crate::errors::ServerFnFailure;
use app_model::fleet::{TaskState, WorkerStatus};
use domain::accounts::manage::{self as accounts, Actor};
use domain::admin::{self as queries, FilterError, PER_PAGE};
use domain::fleet::EdgeContext;

fn actor(caller: &Caller) -> Actor<'_> {
    Actor {
        user_id: Some(&caller.user.id),
        client: &caller.request.client,
        via: "admin",
    }
}

async fn listed(caller: &Caller, user_id: &str) -> Result<AdminUser, AdminError> {
    let context = &caller.request.context;
    queries::user(&context.database, user_id, context.limits)
        .await
        .map_err(|err| AdminError::internal("loading an account", &err))?
        .ok_or(AdminError::NotFound)
}

/// Administrators do not demote, disable or sign out themselves from the list: that is
/// how an instance ends up with no administrator.
fn not_self(caller: &Caller, user_id: &str, field: &str, message: &str) -> Result<(), AdminError> {
    if caller.user.id == user_id {
        Err(AdminError::field(field, message))
    } else {
        Ok(())
    }
}

pub async fn overview() -> Result<Overview, AdminError> {
    let caller = require_admin().await?;
    let context = &caller.request.context;
    queries::overview(&context.database, context.limits)
        .await
        .map_err(|err| AdminError::internal("counting for the overview", &err))
}

/// A search box's value, refused past 254 characters (the longest email address).
fn search_field(search: &str, field: &str) -> Result<(), AdminError> {
    if search.chars().count() > 254 {
        Err(AdminError::field(
            field,
            "Search for at most 254 characters.",
        ))
    } else {
        Ok(())
    }
}

/// An administrator and the fleet they look at. The context is read before the first
/// await: a server function called while a page renders finds it only until it yields.
async fn fleet_admin() -> Result<EdgeContext, AdminError> {
    let context = leptos::prelude::use_context::<EdgeContext>();
    require_admin().await?;
    context.ok_or_else(|| AdminError::internal("finding the fleet context", &"not provided"))
}

pub async fn agents(
    search: String,
    status: String,
    page: u32,
) -> Result<FleetAgentPage, AdminError> {
    let context = fleet_admin().await?;
    search_field(&search, "q")?;
    let status = match status.as_str() {
        "" => None,
        other => Some(WorkerStatus::parse(other).ok_or_else(|| {
            AdminError::field(
                "status",
                "Choose online, stale, offline, quarantined or disabled.",
            )
        })?),
    };
    let page = page.max(1);
    let (agents, by_status, total) = queries::fleet::agents(&context, &search, status, page)
        .await
        .map_err(|err| AdminError::internal("listing every agent", &err))?;
    Ok(FleetAgentPage {
        agents,
        by_status,
        total,
        page,
        per_page: PER_PAGE,
    })
}

pub async fn backtests(
    search: String,
    state: String,
    page: u32,
) -> Result<FleetTaskPage, AdminError> {
    let context = fleet_admin().await?;
    search_field(&search, "q")?;
    let state = match state.as_str() {
        "" => None,
        other => Some(TaskState::parse(other).ok_or_else(|| {
            AdminError::field(
                "state",
                "Choose queued, leased, running, done, failed or cancelled.",
            )
        })?),
    };
    let page = page.max(1);
    let (tasks, by_state, total) = queries::fleet::tasks(&context, &search, state, page)
        .await
        .map_err(|err| AdminError::internal("listing every backtest", &err))?;
    Ok(FleetTaskPage {
        tasks,
        by_state,
        total,
        page,
        per_page: PER_PAGE,
    })
}

pub async fn users(search: String, page: u32) -> Result<UserPage, AdminError> {
    let caller = require_admin().await?;
    let context = &caller.request.context;
    search_field(&search, "q")?;
    let page = page.max(1);
    let (users, total) = queries::users(&context.database, &search, page, context.limits)
        .await
        .map_err(|err| AdminError::internal("listing users", &err))?;
    Ok(UserPage {
        users,
        total,
        page,
        per_page: PER_PAGE,
    })
}

pub async fn set_role(user_id: String, role: Role) -> Result<AdminUser, AdminError> {
    let caller = require_admin().await?;
    not_self(
        &caller,
        &user_id,
        "role",
        "You cannot change your own role. Ask another administrator.",
    )?;
    accounts::set_role(&caller.request.context, &actor(&caller), &user_id, role).await?;
    listed(&caller, &user_id).await
}

pub async fn set_status(user_id: String, status: UserStatus) -> Result<AdminUser, AdminError> {
    let caller = require_admin().await?;
    not_self(
        &caller,
        &user_id,
        "status",
        "You cannot disable your own account.",
    )?;
    accounts::set_status(&caller.request.context, &actor(&caller), &user_id, status).await?;
    listed(&caller, &user_id).await
}

pub async fn end_user_sessions(user_id: String) -> Result<AdminUser, AdminError> {
    let caller = require_admin().await?;
    not_self(
        &caller,
        &user_id,
        "sessions",
        "End your own sessions from your account page.",
    )?;
    accounts::end_all_sessions(&caller.request.context, &actor(&caller), &user_id).await?;
    listed(&caller, &user_id).await
}

pub async fn audit_log(filter: AuditFilter, page: u32) -> Result<AuditPage, AdminError> {
    let caller = require_admin().await?;
    search_field(&filter.user, "user")?;
    let page = page.max(1);
    match queries::audit(&caller.request.context.database, &filter, page).await {
        Ok((entries, total)) => Ok(AuditPage {
            entries,
            total,
            page,
            per_page: PER_PAGE,
        }),
        Err(FilterError::Field(field, message)) => Err(AdminError::field(field, message)),
        Err(FilterError::Storage(err)) => Err(AdminError::internal("reading the audit log", &err)),
    }
}

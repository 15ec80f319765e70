//! The bodies of the admin server functions (see `admin::api`). Each one starts with
//! `require_admin`; anonymous callers get 401, signed-in non-administrators 403.

use super::model::{AdminError, AdminUser, AuditFilter, AuditPage, Overview, UserPage, UserStatus};
use crate::auth::model::Role;
use crate::auth::ssr::guard::{Caller, require_admin};
use crate::errors::ServerFnFailure;
use domain::accounts::manage::{self as accounts, Actor};
use domain::admin::{self as queries, FilterError, PER_PAGE};

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

pub async fn users(search: String, page: u32) -> Result<UserPage, AdminError> {
    let caller = require_admin().await?;
    let context = &caller.request.context;
    if search.chars().count() > 254 {
        return Err(AdminError::field("q", "Search for at most 254 characters."));
    }
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
    if filter.user.chars().count() > 254 {
        return Err(AdminError::field(
            "user",
            "Search for at most 254 characters.",
        ));
    }
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

//! Administrative changes to accounts, shared by the admin section and the server CLI:
//! creating users, changing roles, disabling and enabling, ending every session.
//! Callers check who may do this (`guard::require_admin`, or shell access for the CLI).

use app_model::admin::UserStatus;
use app_model::auth::Role;

use super::context::AuthContext;
use super::input::{DisplayName, Email, FieldErrors};
use super::users::{self, UserRecord};
use super::{AccountError, password as passwords};
use crate::audit::{self, AuditAction};
use crate::client::ClientInfo;
use crate::sessions::{destroy_records, registry};
use crate::storage::in_transaction;

/// Who is making a change, for the audit log.
pub struct Actor<'a> {
    /// The acting administrator; `None` for the server CLI.
    pub user_id: Option<&'a str>,
    pub client: &'a ClientInfo,
    /// `"admin"` or `"cli"`, stored in the entry's details.
    pub via: &'static str,
}

async fn load(context: &AuthContext, user_id: &str) -> Result<UserRecord, AccountError> {
    users::find_by_id(&context.database, user_id)
        .await
        .map_err(|err| AccountError::internal("loading an account", &err))?
        .ok_or(AccountError::NotFound)
}

async fn audit(
    context: &AuthContext,
    actor: &Actor<'_>,
    action: AuditAction,
    subject: &str,
    mut details: serde_json::Value,
) {
    details["via"] = actor.via.into();
    audit::record(
        &context.database,
        action,
        actor.user_id,
        Some(subject),
        actor.client,
        details,
    )
    .await;
}

/// Validates and stores a new password account; `Ok(None)` when the email already has
/// one. The password is hashed either way, so both answers take the same time.
pub async fn create_password_account(
    context: &AuthContext,
    email: &str,
    display_name: &str,
    password: String,
    role: Role,
) -> Result<Option<UserRecord>, AccountError> {
    let mut errors = FieldErrors::default();
    let parsed_email = errors.check(Email::parse(email));
    let parsed_name = errors.check(DisplayName::parse(display_name));
    errors.check(passwords::check_strength(&password, &[email, display_name]));
    errors.into_result()?;
    let (Some(email), Some(display_name)) = (parsed_email, parsed_name) else {
        return Err(AccountError::internal(
            "creating an account",
            &"a checked field was missing",
        ));
    };
    let hash = context
        .hashing
        .run(move || passwords::hash(&password))
        .await?
        .map_err(|err| AccountError::internal("hashing a password", &err))?;
    match users::create(&context.database, &email, &display_name, Some(&hash), role).await {
        Ok(user) => Ok(Some(user)),
        Err(users::CreateUserError::EmailTaken) => Ok(None),
        Err(users::CreateUserError::Storage(err)) => {
            Err(AccountError::internal("storing an account", &err))
        }
    }
}

/// Creates an account with a password, as an administrator would.
pub async fn create_user(
    context: &AuthContext,
    actor: &Actor<'_>,
    email: &str,
    display_name: &str,
    password: String,
    role: Role,
) -> Result<UserRecord, AccountError> {
    // An administrator may learn that an email is taken; the public form may not.
    let user = create_password_account(context, email, display_name, password, role)
        .await?
        .ok_or_else(|| {
            AccountError::field("email", "An account with this email already exists.")
        })?;
    audit(
        context,
        actor,
        AuditAction::UserCreated,
        &user.id,
        serde_json::json!({ "role": role.as_str() }),
    )
    .await;
    Ok(user)
}

/// Changes a user's role. Their sessions get new ids on their next request, so a
/// session id seen before the change does not carry the new rights. The role, the
/// renewal and the audit entry are written in one transaction: a role never changes
/// without its audit entry, nor without its sessions being renewed.
pub async fn set_role(
    context: &AuthContext,
    actor: &Actor<'_>,
    user_id: &str,
    role: Role,
) -> Result<UserRecord, AccountError> {
    let user = load(context, user_id).await?;
    let previous = user.role();
    if previous == role {
        return Ok(user);
    }
    let set_role = "UPDATE users SET role = $1, updated_at = $2 WHERE id = $3";
    let renew = "UPDATE user_sessions SET renew_id = $1 WHERE user_id = $2";
    let details = serde_json::json!({
        "from": previous.as_str(),
        "to": role.as_str(),
        "via": actor.via,
    })
    .to_string();
    let now = crate::clock::now();
    let written: Result<(), sqlx::Error> = in_transaction!(&context.database, |tx| {
        sqlx::query(set_role)
            .bind(role)
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(renew)
            .bind(true)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(audit::INSERT)
            .bind(actor.user_id)
            .bind(user_id)
            .bind(AuditAction::RoleChange.as_str())
            .bind(actor.client.ip.as_deref())
            .bind(actor.client.user_agent.as_deref())
            .bind(&details)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    });
    written.map_err(|err| AccountError::internal("changing a role", &err))?;
    load(context, user_id).await
}

/// Disables or enables a user. Disabling ends every session of theirs at once.
pub async fn set_status(
    context: &AuthContext,
    actor: &Actor<'_>,
    user_id: &str,
    status: UserStatus,
) -> Result<UserRecord, AccountError> {
    let user = load(context, user_id).await?;
    if user.status == status {
        return Ok(user);
    }
    users::set_status(&context.database, user_id, status)
        .await
        .map_err(|err| AccountError::internal("changing an account's status", &err))?;
    match status {
        UserStatus::Disabled => {
            let ended = end_sessions(context, user_id).await?;
            audit(
                context,
                actor,
                AuditAction::UserDisabled,
                user_id,
                serde_json::json!({ "sessions_ended": ended }),
            )
            .await;
        }
        UserStatus::Active => {
            audit(
                context,
                actor,
                AuditAction::UserEnabled,
                user_id,
                serde_json::json!({}),
            )
            .await;
        }
    }
    load(context, user_id).await
}

/// Ends every session of a user; returns how many there were.
pub async fn end_all_sessions(
    context: &AuthContext,
    actor: &Actor<'_>,
    user_id: &str,
) -> Result<usize, AccountError> {
    load(context, user_id).await?;
    let ended = end_sessions(context, user_id).await?;
    audit(
        context,
        actor,
        AuditAction::SessionEnded,
        user_id,
        serde_json::json!({ "sessions": ended }),
    )
    .await;
    Ok(ended)
}

async fn end_sessions(context: &AuthContext, user_id: &str) -> Result<usize, AccountError> {
    let ended = registry::remove_all_for_user(&context.database, user_id, None)
        .await
        .map_err(|err| AccountError::internal("ending sessions", &err))?;
    destroy_records(&context.sessions, &ended).await;
    Ok(ended.len())
}

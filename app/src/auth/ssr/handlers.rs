//! The bodies of the auth server functions (see `auth::api` for their endpoints).

use super::super::model::{AuthError, CurrentUser, SessionInfo};
use super::audit::AuditAction;
use super::guard::{self, Caller};
use super::registry;
use super::request::{AuthRequest, destroy_records, internal};

pub async fn register(
    email: String,
    password: String,
    display_name: String,
) -> Result<CurrentUser, AuthError> {
    use super::super::model::Role;

    let request = AuthRequest::current().await?;
    let user = super::accounts::store_password_account(
        request.database(),
        &email,
        &display_name,
        password,
        Role::User,
        "An account with this email already exists. Sign in instead.",
    )
    .await?;
    request.start_session(&user.id).await?;
    request
        .audit_own(AuditAction::Register, &user.id, serde_json::json!({}))
        .await;
    Ok(user.to_current_user())
}

pub async fn login(email: String, password: String) -> Result<CurrentUser, AuthError> {
    use super::input::Email;
    use super::throttle;
    use super::{password as passwords, users};

    if password.chars().count() > passwords::MAX_LENGTH {
        return Err(AuthError::WrongCredentials);
    }
    let request = AuthRequest::current().await?;
    let user = match Email::parse(&email) {
        Ok(email) => users::find_by_email(request.database(), &email)
            .await
            .map_err(|err| internal("looking up an account", &err))?,
        Err(_) => None,
    };
    let stored = user.as_ref().and_then(|user| user.password_hash.clone());
    let matches = tokio::task::spawn_blocking(move || {
        passwords::verify_or_dummy(&password, stored.as_deref())
    })
    .await
    .map_err(|err| internal("verifying a password", &err))?;

    let policy = request.context.lockout;
    let user = match user {
        Some(user) if matches && user.is_active() && !throttle::is_locked(user.locked_until) => {
            user
        }
        other => {
            let reason = match &other {
                None => "unknown_email",
                Some(user) if throttle::is_locked(user.locked_until) => "locked",
                Some(user) if !user.is_active() => "disabled",
                Some(_) => "wrong_password",
            };
            let subject = other.as_ref().map(|user| user.id.as_str());
            request
                .audit_about(
                    AuditAction::SignInFailed,
                    subject,
                    serde_json::json!({ "reason": reason }),
                )
                .await;
            if let (Some(user), "wrong_password") = (&other, reason) {
                let outcome = throttle::record_failure(request.database(), &user.id, policy)
                    .await
                    .map_err(|err| internal("counting a failed sign-in", &err))?;
                if outcome == throttle::FailureOutcome::LockedNow {
                    request
                        .audit_about(
                            AuditAction::Lockout,
                            Some(&user.id),
                            serde_json::json!({ "minutes": policy.duration.as_secs() / 60 }),
                        )
                        .await;
                }
            }
            return Err(AuthError::WrongCredentials);
        }
    };
    if throttle::clear(request.database(), &user.id, user.locked_until)
        .await
        .map_err(|err| internal("clearing failed sign-ins", &err))?
    {
        request
            .audit_about(
                AuditAction::LockoutEnded,
                Some(&user.id),
                serde_json::json!({}),
            )
            .await;
    }
    request
        .sign_in(&user.id, serde_json::json!({ "method": "password" }))
        .await?;
    Ok(user.to_current_user())
}

pub async fn logout() -> Result<(), AuthError> {
    let request = AuthRequest::current().await?;
    let user_id = request.user_id().await?;
    request.end_current_session().await?;
    if let Some(user_id) = user_id {
        request
            .audit_own(AuditAction::SignOut, &user_id, serde_json::json!({}))
            .await;
    }
    Ok(())
}

pub async fn me() -> Result<Option<CurrentUser>, AuthError> {
    let (_, user) = guard::optional_user_in(AuthRequest::current().await?).await?;
    Ok(user.map(|(user, _)| user.to_current_user()))
}

pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AuthError> {
    use super::{password as passwords, users};

    let Caller { request, user, .. } = guard::require_user().await?;
    passwords::check_strength(&new_password, &[&user.email, &user.display_name]).map_err(
        |mut err| {
            err.field = "new_password".to_owned();
            AuthError::InvalidInput { fields: vec![err] }
        },
    )?;
    let stored = user.password_hash.clone();
    let (matches, hash) = tokio::task::spawn_blocking(move || {
        let matches = passwords::verify_or_dummy(&current_password, stored.as_deref());
        (matches, matches.then(|| passwords::hash(&new_password)))
    })
    .await
    .map_err(|err| internal("checking a password", &err))?;
    if !matches {
        return Err(AuthError::field(
            "current_password",
            "This is not your current password.",
        ));
    }
    let hash = hash
        .ok_or(AuthError::Internal)?
        .map_err(|err| internal("hashing a password", &err))?;
    users::set_password(request.database(), &user.id, &hash)
        .await
        .map_err(|err| internal("storing a password", &err))?;
    // A new session id: whoever held the old one is out, and so is every other session.
    let handle = request.start_session(&user.id).await?;
    let ended = registry::remove_all_for_user(request.database(), &user.id, Some(&handle))
        .await
        .map_err(|err| internal("ending other sessions", &err))?;
    destroy_records(&request.context, &ended).await;
    request
        .audit_own(
            AuditAction::PasswordChange,
            &user.id,
            serde_json::json!({ "other_sessions_ended": ended.len() }),
        )
        .await;
    Ok(())
}

/// The caller's sessions, theirs only, the current one marked.
pub async fn sessions() -> Result<Vec<SessionInfo>, AuthError> {
    let caller = guard::require_user().await?;
    let listed = registry::list_for_user(
        caller.request.database(),
        &caller.user.id,
        caller.request.context.limits,
    )
    .await
    .map_err(|err| internal("listing sessions", &err))?;
    Ok(listed
        .into_iter()
        .map(|session| SessionInfo {
            current: session.handle == caller.handle,
            device: super::device::describe(session.user_agent.as_deref()),
            id: session.handle,
            created_at: session.created_at,
            last_seen_at: session.last_seen_at,
            ip: session.ip,
            user_agent: session.user_agent,
        })
        .collect())
}

/// Ends one of the caller's sessions. Another user's session is "not found", never ended.
pub async fn end_session(id: String) -> Result<(), AuthError> {
    let caller = guard::require_user().await?;
    let request = &caller.request;
    if id == caller.handle {
        request.end_current_session().await?;
    } else {
        let session_id = registry::remove_one(request.database(), &caller.user.id, &id)
            .await
            .map_err(|err| internal("ending a session", &err))?
            .ok_or(AuthError::NotFound)?;
        destroy_records(&request.context, &[session_id]).await;
    }
    request
        .audit_own(
            AuditAction::SessionEnded,
            &caller.user.id,
            serde_json::json!({ "sessions": 1, "current": id == caller.handle }),
        )
        .await;
    Ok(())
}

/// Ends every session of the caller except this one; returns how many were ended.
pub async fn end_other_sessions() -> Result<u32, AuthError> {
    let caller = guard::require_user().await?;
    let request = &caller.request;
    let ended =
        registry::remove_all_for_user(request.database(), &caller.user.id, Some(&caller.handle))
            .await
            .map_err(|err| internal("ending sessions", &err))?;
    destroy_records(&request.context, &ended).await;
    if !ended.is_empty() {
        request
            .audit_own(
                AuditAction::SessionEnded,
                &caller.user.id,
                serde_json::json!({ "sessions": ended.len(), "current": false }),
            )
            .await;
    }
    Ok(u32::try_from(ended.len()).unwrap_or(u32::MAX))
}

/// Renames the caller; answers the user as they are now.
pub async fn update_profile(display_name: String) -> Result<CurrentUser, AuthError> {
    use super::input::DisplayName;
    use super::users;

    let Caller { request, user, .. } = guard::require_user().await?;
    let name = DisplayName::parse(&display_name)
        .map_err(|err| AuthError::InvalidInput { fields: vec![err] })?;
    if name.as_str() != user.display_name {
        users::set_display_name(request.database(), &user.id, &name)
            .await
            .map_err(|err| internal("renaming a user", &err))?;
        request
            .audit_own(
                AuditAction::ProfileUpdated,
                &user.id,
                serde_json::json!({ "fields": ["display_name"] }),
            )
            .await;
    }
    let mut current = user.to_current_user();
    current.display_name = name.as_str().to_owned();
    Ok(current)
}

//! The bodies of the auth server functions (see `auth::api` for their endpoints).

use super::super::model::{AuthError, CurrentUser, SessionInfo};
use super::guard::{self, Caller};
use super::request::AuthRequest;
use crate::errors::ServerFnFailure as _;
use domain::audit::AuditAction;
use domain::sessions::destroy_records;
use domain::sessions::registry;

/// Creates the account if the email is free. A taken email gets exactly the same answer
/// (same status, same empty body, no session, same hashing work), so registration cannot
/// be used to find out who has an account. Nobody is signed in by registering: the new
/// owner signs in with the password they just chose, which for a taken email fails like
/// any wrong password. The real owner of a taken email is not told here; once email is
/// sent they will get a note ("someone tried to register with your address").
pub async fn register(
    email: String,
    password: String,
    display_name: String,
) -> Result<(), AuthError> {
    use super::super::model::Role;

    let request = AuthRequest::current().await?;
    let created = domain::accounts::manage::create_password_account(
        &request.context,
        &email,
        &display_name,
        password,
        Role::User,
    )
    .await?;
    match created {
        Some(user) => {
            request
                .audit_own(AuditAction::Register, &user.id, serde_json::json!({}))
                .await;
        }
        None => tracing::info!("registration for an email that already has an account"),
    }
    send_plain_form_to_sign_in();
    Ok(())
}

/// A registration posted as a plain HTML form (no JavaScript) goes on to the sign-in page,
/// keeping the register page's `returnTo`. With JavaScript the page does this itself.
fn send_plain_form_to_sign_in() {
    use super::super::return_to::{encode, safe_return_to};
    use leptos::prelude::use_context;

    let Some(parts) = use_context::<http::request::Parts>() else {
        return;
    };
    let header = |name: http::header::HeaderName| {
        parts
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    if !header(http::header::ACCEPT).is_some_and(|accept| accept.contains("text/html")) {
        return;
    }
    let asked = header(http::header::REFERER)
        .and_then(|referer| url::Url::parse(&referer).ok())
        .and_then(|referer| {
            referer
                .query_pairs()
                .find(|(key, _)| key == "returnTo")
                .map(|(_, value)| value.into_owned())
        });
    let return_to = safe_return_to(asked.as_deref());
    let mut login = "/login?registered=1".to_owned();
    if return_to != "/" {
        login.push_str("&returnTo=");
        login.push_str(&encode(&return_to));
    }
    leptos_axum::redirect(&login);
}

pub async fn login(email: String, password: String) -> Result<CurrentUser, AuthError> {
    use domain::accounts::input::Email;
    use domain::accounts::throttle;
    use domain::accounts::{password as passwords, users};

    if password.chars().count() > passwords::MAX_LENGTH {
        return Err(AuthError::WrongCredentials);
    }
    let request = AuthRequest::current().await?;
    let user = match Email::parse(&email) {
        Ok(email) => users::find_by_email(request.database(), &email)
            .await
            .map_err(|err| AuthError::internal("looking up an account", &err))?,
        Err(_) => None,
    };
    let ip = request.client.ip.clone().unwrap_or_default();
    let locks = match &user {
        Some(user) => throttle::locks(request.database(), &user.id, &ip, user.locked_until)
            .await
            .map_err(|err| AuthError::internal("reading failed sign-ins", &err))?,
        None => throttle::Locks::default(),
    };
    // Whether the attempt was made while locked, decided before the (slow) password check.
    let locked = locks.is_locked();
    let stored = user.as_ref().and_then(|user| user.password_hash.clone());
    let matches = request
        .context
        .hashing
        .run(move || passwords::verify_or_dummy(&password, stored.as_deref()))
        .await?;

    let policy = request.context.lockout;
    let user = match user {
        Some(user) if matches && user.is_active() && !locked => user,
        other => {
            let reason = match &other {
                None => "unknown_email",
                Some(_) if locked => "locked",
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
                count_failure(&request, &user.id, &ip, policy).await?;
            }
            return Err(AuthError::WrongCredentials);
        }
    };
    throttle::clear(request.database(), &user.id, &ip)
        .await
        .map_err(|err| AuthError::internal("clearing failed sign-ins", &err))?;
    if locks.any() {
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

/// Counts a wrong password from `ip` and audits any lock it caused.
async fn count_failure(
    request: &AuthRequest,
    user_id: &str,
    ip: &str,
    policy: domain::accounts::throttle::LockoutPolicy,
) -> Result<(), AuthError> {
    let outcome =
        domain::accounts::throttle::record_failure(request.database(), user_id, ip, policy)
            .await
            .map_err(|err| AuthError::internal("counting a failed password", &err))?;
    for (locked, scope, duration) in [
        (outcome.address_locked, "address", policy.duration),
        (outcome.account_locked, "account", policy.account_duration()),
    ] {
        if locked {
            request
                .audit_about(
                    AuditAction::Lockout,
                    Some(user_id),
                    serde_json::json!({ "scope": scope, "seconds": duration.as_secs() }),
                )
                .await;
        }
    }
    Ok(())
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
    let (_, user) = guard::optional_user().await?;
    Ok(user.map(|(user, _)| user.to_current_user()))
}

pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AuthError> {
    use domain::accounts::{password as passwords, throttle, users};

    let Caller { request, user, .. } = guard::require_user().await?;
    passwords::check_strength(&new_password, &[&user.email, &user.display_name]).map_err(
        |mut err| {
            err.field = "new_password".to_owned();
            AuthError::InvalidInput { fields: vec![err] }
        },
    )?;
    // The same throttling as sign-in: a stolen session must not become a free oracle for
    // guessing the password.
    let ip = request.client.ip.clone().unwrap_or_default();
    let locks = throttle::locks(request.database(), &user.id, &ip, user.locked_until)
        .await
        .map_err(|err| AuthError::internal("reading failed sign-ins", &err))?;
    if let Some(retry_after_secs) = locks.retry_after() {
        return Err(AuthError::TooManyAttempts { retry_after_secs });
    }
    let stored = user.password_hash.clone();
    let (matches, hash) = request
        .context
        .hashing
        .run(move || {
            let matches = passwords::verify_or_dummy(&current_password, stored.as_deref());
            (matches, matches.then(|| passwords::hash(&new_password)))
        })
        .await?;
    if !matches {
        count_failure(&request, &user.id, &ip, request.context.lockout).await?;
        return Err(AuthError::field(
            "current_password",
            "This is not your current password.",
        ));
    }
    throttle::clear(request.database(), &user.id, &ip)
        .await
        .map_err(|err| AuthError::internal("clearing failed sign-ins", &err))?;
    let hash = hash
        .ok_or(AuthError::Internal)?
        .map_err(|err| AuthError::internal("hashing a password", &err))?;
    users::set_password(request.database(), &user.id, &hash)
        .await
        .map_err(|err| AuthError::internal("storing a password", &err))?;
    // A new session id: whoever held the old one is out, and so is every other session.
    let handle = request.start_session(&user.id).await?;
    let ended = registry::remove_all_for_user(request.database(), &user.id, Some(&handle))
        .await
        .map_err(|err| AuthError::internal("ending other sessions", &err))?;
    destroy_records(&request.context.sessions, &ended).await;
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
    .map_err(|err| AuthError::internal("listing sessions", &err))?;
    Ok(listed
        .into_iter()
        .map(|session| SessionInfo {
            current: session.handle == caller.handle,
            device: domain::sessions::device::describe(session.user_agent.as_deref()),
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
            .map_err(|err| AuthError::internal("ending a session", &err))?
            .ok_or(AuthError::NotFound)?;
        destroy_records(&request.context.sessions, &[session_id]).await;
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
            .map_err(|err| AuthError::internal("ending sessions", &err))?;
    destroy_records(&request.context.sessions, &ended).await;
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
    use domain::accounts::input::DisplayName;
    use domain::accounts::users;

    let Caller { request, user, .. } = guard::require_user().await?;
    let name = DisplayName::parse(&display_name)
        .map_err(|err| AuthError::InvalidInput { fields: vec![err] })?;
    if name.as_str() != user.display_name {
        users::set_display_name(request.database(), &user.id, &name)
            .await
            .map_err(|err| AuthError::internal("renaming a user", &err))?;
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

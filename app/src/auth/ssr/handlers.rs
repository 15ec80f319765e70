//! The bodies of the auth server functions (see `auth::api` for their endpoints).

use super::super::model::{AuthError, CurrentUser};
use super::request::{AuthRequest, SIGNED_IN_AT_KEY, USER_ID_KEY, internal};

pub async fn register(
    email: String,
    password: String,
    display_name: String,
) -> Result<CurrentUser, AuthError> {
    use super::super::model::Role;
    use super::audit::{self, AuditAction};
    use super::input::{DisplayName, Email, FieldErrors};
    use super::{password as passwords, users};

    let mut errors = FieldErrors::default();
    let parsed_email = errors.check(Email::parse(&email));
    let parsed_name = errors.check(DisplayName::parse(&display_name));
    errors.check(passwords::check_strength(
        &password,
        &[&email, &display_name],
    ));
    errors.into_result()?;
    let (Some(email), Some(display_name)) = (parsed_email, parsed_name) else {
        return Err(AuthError::Internal);
    };

    let request = AuthRequest::current().await?;
    let hash = tokio::task::spawn_blocking(move || passwords::hash(&password))
        .await
        .map_err(|err| internal("hashing a password", &err))?
        .map_err(|err| internal("hashing a password", &err))?;
    let user =
        match users::create(&request.database, &email, &display_name, &hash, Role::User).await {
            Ok(user) => user,
            Err(users::CreateUserError::EmailTaken) => {
                return Err(AuthError::field(
                    "email",
                    "An account with this email already exists. Sign in instead.",
                ));
            }
            Err(users::CreateUserError::Storage(err)) => {
                return Err(internal("storing an account", &err));
            }
        };
    start_session(&request, &user.id).await?;
    audit::record(
        &request.database,
        AuditAction::Register,
        Some(&user.id),
        Some(&user.id),
        &request.client,
        serde_json::json!({}),
    )
    .await;
    Ok(user.to_current_user())
}

pub async fn login(email: String, password: String) -> Result<CurrentUser, AuthError> {
    use super::audit::{self, AuditAction};
    use super::input::Email;
    use super::throttle::{self, LockoutPolicy};
    use super::{password as passwords, users};
    use leptos::prelude::use_context;

    if password.chars().count() > passwords::MAX_LENGTH {
        return Err(AuthError::WrongCredentials);
    }
    let request = AuthRequest::current().await?;
    let user = match Email::parse(&email) {
        Ok(email) => users::find_by_email(&request.database, &email)
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

    let policy = use_context::<LockoutPolicy>().unwrap_or_default();
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
            audit::record(
                &request.database,
                AuditAction::SignInFailed,
                None,
                subject,
                &request.client,
                serde_json::json!({ "reason": reason }),
            )
            .await;
            if let (Some(user), "wrong_password") = (&other, reason) {
                let outcome = throttle::record_failure(&request.database, &user.id, policy)
                    .await
                    .map_err(|err| internal("counting a failed sign-in", &err))?;
                if outcome == throttle::FailureOutcome::LockedNow {
                    audit::record(
                        &request.database,
                        AuditAction::Lockout,
                        None,
                        Some(&user.id),
                        &request.client,
                        serde_json::json!({ "minutes": policy.duration.as_secs() / 60 }),
                    )
                    .await;
                }
            }
            return Err(AuthError::WrongCredentials);
        }
    };
    if throttle::clear(&request.database, &user.id, user.locked_until)
        .await
        .map_err(|err| internal("clearing failed sign-ins", &err))?
    {
        audit::record(
            &request.database,
            AuditAction::LockoutEnded,
            None,
            Some(&user.id),
            &request.client,
            serde_json::json!({}),
        )
        .await;
    }
    start_session(&request, &user.id).await?;
    users::record_sign_in(&request.database, &user.id)
        .await
        .map_err(|err| internal("recording a sign-in", &err))?;
    audit::record(
        &request.database,
        AuditAction::SignIn,
        Some(&user.id),
        Some(&user.id),
        &request.client,
        serde_json::json!({ "method": "password" }),
    )
    .await;
    Ok(user.to_current_user())
}

pub async fn logout() -> Result<(), AuthError> {
    use super::audit::{self, AuditAction};

    let request = AuthRequest::current().await?;
    let user_id = request.user_id().await?;
    request
        .session
        .flush()
        .await
        .map_err(|err| internal("ending a session", &err))?;
    if let Some(user_id) = user_id {
        audit::record(
            &request.database,
            AuditAction::SignOut,
            Some(&user_id),
            Some(&user_id),
            &request.client,
            serde_json::json!({}),
        )
        .await;
    }
    Ok(())
}

pub async fn me() -> Result<Option<CurrentUser>, AuthError> {
    use super::users;

    let request = AuthRequest::current().await?;
    let Some(user_id) = request.user_id().await? else {
        return Ok(None);
    };
    let user = users::find_by_id(&request.database, &user_id)
        .await
        .map_err(|err| internal("loading the signed-in user", &err))?;
    match user {
        Some(user) if user.is_active() => Ok(Some(user.to_current_user())),
        // A disabled or deleted account loses its session on its next request.
        _ => {
            request
                .session
                .flush()
                .await
                .map_err(|err| internal("ending a session", &err))?;
            Ok(None)
        }
    }
}

/// A fresh session id (no fixation), then the user in it.
async fn start_session(request: &AuthRequest, user_id: &str) -> Result<(), AuthError> {
    request
        .session
        .cycle_id()
        .await
        .map_err(|err| internal("renewing a session id", &err))?;
    request
        .session
        .insert(USER_ID_KEY, user_id)
        .await
        .map_err(|err| internal("writing a session", &err))?;
    request
        .session
        .insert(SIGNED_IN_AT_KEY, chrono::Utc::now().timestamp())
        .await
        .map_err(|err| internal("writing a session", &err))
}

pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AuthError> {
    use super::audit::{self, AuditAction};
    use super::{password as passwords, users};

    let request = AuthRequest::current().await?;
    let user_id = request.user_id().await?.ok_or(AuthError::Unauthenticated)?;
    let user = users::find_by_id(&request.database, &user_id)
        .await
        .map_err(|err| internal("loading the signed-in user", &err))?
        .filter(users::UserRecord::is_active)
        .ok_or(AuthError::Unauthenticated)?;
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
    users::set_password(&request.database, &user.id, &hash)
        .await
        .map_err(|err| internal("storing a password", &err))?;
    // A new session id: whoever held the old one is out.
    start_session(&request, &user.id).await?;
    audit::record(
        &request.database,
        AuditAction::PasswordChange,
        Some(&user.id),
        Some(&user.id),
        &request.client,
        serde_json::json!({}),
    )
    .await;
    Ok(())
}

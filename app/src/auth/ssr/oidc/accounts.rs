//! Which account a verified provider identity gets, and linking one to the signed-in user.
//!
//! The rule, as serious auth libraries have it: a provider identity is never linked to an
//! existing account automatically on the strength of a matching email. The account would
//! have to have proven that it owns the address, and password accounts never do (there is
//! no email verification yet). Otherwise anyone could register `victim@corp` with their
//! own password first and be handed the victim's first single sign-on, role claim and all.
//! Linking happens only from the account page, by a signed-in user who then also proves
//! the provider identity is theirs.

use crate::errors::ServerFnFailure as _;
use openidconnect::IdTokenClaims;
use openidconnect::core::CoreGenderClaim;

use super::super::super::model::{
    AuthError, LinkedIdentity, ProviderLinks, ProviderSignInError, Role,
};
use super::super::guard;
use super::super::request::AuthRequest;
use domain::accounts::input::{DisplayName, Email};
use domain::accounts::manage::{self as accounts, Actor};
use domain::accounts::users::{self, UserRecord};
use domain::audit::AuditAction;
use domain::oidc::identities;
use domain::oidc::{ExtraClaims, OidcProvider};

pub type Claims = IdTokenClaims<ExtraClaims, CoreGenderClaim>;

pub fn failed(what: &str, err: &dyn std::fmt::Display) -> ProviderSignInError {
    tracing::error!(error = %err, "{what} failed");
    ProviderSignInError::Failed
}

/// The account for a sign-in: the linked one, else a new account when the email has none.
/// An email that already has an account is refused ([`ProviderSignInError::AccountExists`]).
pub async fn account_for(
    request: &AuthRequest,
    provider: &OidcProvider,
    claims: &Claims,
) -> Result<UserRecord, ProviderSignInError> {
    let database = request.database();
    let issuer = provider.settings.issuer_url.as_str();
    let subject = claims.subject().as_str();
    if let Some(user) = identities::find_user(database, issuer, subject)
        .await
        .map_err(|err| failed("looking up a linked account", &err))?
    {
        return Ok(user);
    }
    let raw_email = claims
        .email()
        .map(|email| email.as_str().to_owned())
        .ok_or(ProviderSignInError::EmailMissing)?;
    let email = Email::parse(&raw_email).map_err(|_| ProviderSignInError::EmailMissing)?;
    let existing = users::find_by_email(database, &email)
        .await
        .map_err(|err| failed("looking up an account", &err))?;
    if existing.is_some() {
        tracing::info!("single sign-on refused: the email belongs to an unlinked account");
        return Err(ProviderSignInError::AccountExists);
    }
    let user = create_account(request, claims, &email).await?;
    identities::link(database, issuer, subject, &user.id, Some(email.as_str()))
        .await
        .map_err(|err| failed("linking an account", &err))?;
    request
        .audit_own(
            AuditAction::OidcLinked,
            &user.id,
            serde_json::json!({ "issuer": issuer, "created": true }),
        )
        .await;
    Ok(user)
}

async fn create_account(
    request: &AuthRequest,
    claims: &Claims,
    email: &Email,
) -> Result<UserRecord, ProviderSignInError> {
    let local_part = email.as_str().split('@').next().unwrap_or_default();
    let name = claims
        .name()
        .and_then(|name| name.get(None))
        .map(|name| name.as_str().chars().take(80).collect::<String>())
        .and_then(|name| DisplayName::parse(&name).ok())
        .or_else(|| DisplayName::parse(local_part).ok())
        .ok_or_else(|| failed("naming a new account", &"no usable name"))?;
    match users::create(request.database(), email, &name, None, Role::User).await {
        Ok(user) => Ok(user),
        // Registered a moment ago by someone else: the same refusal as above, never a link.
        Err(users::CreateUserError::EmailTaken) => Err(ProviderSignInError::AccountExists),
        Err(users::CreateUserError::Storage(err)) => Err(failed("storing an account", &err)),
    }
}

/// Links the identity in `claims` to `user_id`, the signed-in user who started the link
/// from their account page and is still signed in.
pub async fn link_to(
    request: &AuthRequest,
    provider: &OidcProvider,
    claims: &Claims,
    user_id: &str,
) -> Result<(), ProviderSignInError> {
    let signed_in = request
        .user_id()
        .await
        .map_err(|_| ProviderSignInError::Failed)?;
    if signed_in.as_deref() != Some(user_id) {
        return Err(ProviderSignInError::NotSignedIn);
    }
    let database = request.database();
    let issuer = provider.settings.issuer_url.as_str();
    let subject = claims.subject().as_str();
    match identities::find_user(database, issuer, subject)
        .await
        .map_err(|err| failed("looking up a linked account", &err))?
    {
        Some(owner) if owner.id == user_id => return Ok(()),
        Some(_) => return Err(ProviderSignInError::AlreadyLinked),
        None => {}
    }
    let email = claims.email().map(|email| email.as_str().to_owned());
    identities::link(database, issuer, subject, user_id, email.as_deref())
        .await
        .map_err(|err| failed("linking an account", &err))?;
    request
        .audit_own(
            AuditAction::OidcLinked,
            user_id,
            serde_json::json!({ "issuer": issuer, "created": false, "via": "account" }),
        )
        .await;
    Ok(())
}

/// When a role claim is configured, the provider decides who is an administrator.
pub async fn apply_role_mapping(
    request: &AuthRequest,
    provider: &OidcProvider,
    claims: &Claims,
    user: &UserRecord,
) -> Result<(), ProviderSignInError> {
    let Some(path) = provider.settings.role_claim.as_deref() else {
        return Ok(());
    };
    let role = if claims
        .additional_claims()
        .has_role(path, &provider.settings.admin_role)
    {
        Role::Admin
    } else {
        Role::User
    };
    if role == user.role() {
        return Ok(());
    }
    let actor = Actor {
        user_id: None,
        client: &request.client,
        via: "oidc",
    };
    accounts::set_role(&request.context, &actor, &user.id, role)
        .await
        .map(drop)
        .map_err(|_| ProviderSignInError::Failed)
}

/// The body of the `linked_identities` server function.
pub async fn linked_identities() -> Result<ProviderLinks, AuthError> {
    let caller = guard::require_user().await?;
    let Some(provider) = caller.request.context.oidc.as_deref() else {
        return Ok(ProviderLinks {
            provider: None,
            linked: Vec::new(),
        });
    };
    let linked = identities::list_for_user(
        caller.request.database(),
        &provider.settings.issuer_url,
        &caller.user.id,
    )
    .await
    .map_err(|err| AuthError::internal("listing linked identities", &err))?;
    Ok(ProviderLinks {
        provider: Some(provider.settings.display_name.clone()),
        linked: linked
            .into_iter()
            .map(|(email, linked_at)| LinkedIdentity { email, linked_at })
            .collect(),
    })
}

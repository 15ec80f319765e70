//! `/auth/oidc/start` sends the browser to the provider; `/auth/oidc/callback` takes the
//! answer, checks it, links or creates the account and starts a session. Any failure
//! lands on the login page with a readable message (`?error=<code>`); the details go to
//! the logs only.

use axum::Router;
use axum::extract::{Extension, Query};
use axum::http::{Extensions, HeaderMap};
use axum::response::Redirect;
use axum::routing::get;
use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, CsrfToken, IdTokenClaims, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, Scope, SignatureVerificationError, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::super::super::model::{ProviderSignInError, Role};
use super::super::super::return_to::{encode, safe_return_to};
use super::super::accounts::{self, Actor};
use super::super::audit::AuditAction;
use super::super::context::AuthContext;
use super::super::input::{DisplayName, Email};
use super::super::request::{AuthRequest, ClientInfo};
use super::super::users::{self, UserRecord};
use super::identities;
use super::provider::{ExtraClaims, OidcProvider, error_chain};
use openidconnect::core::CoreGenderClaim;

pub use super::super::super::model::PROVIDER_START_PATH as START_PATH;
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";

/// The session key holding a sign-in in progress.
const PENDING_KEY: &str = "oidc_pending";
/// How long the provider may take to send the browser back.
const PENDING_FOR_SECS: i64 = 10 * 60;

/// The two routes, for the product app's host.
pub fn routes(context: AuthContext) -> Router {
    Router::new()
        .route(START_PATH, get(start))
        .route(CALLBACK_PATH, get(callback))
        .layer(Extension(context))
}

/// What the session remembers between start and callback. Server-side only.
#[derive(Debug, Deserialize, Serialize)]
struct Pending {
    state: String,
    nonce: String,
    pkce_verifier: String,
    return_to: String,
    started_at: i64,
}

#[derive(Debug, Deserialize)]
struct StartQuery {
    #[serde(rename = "returnTo")]
    return_to: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    iss: Option<String>,
}

fn to_login(error: ProviderSignInError, return_to: &str) -> Redirect {
    let mut url = format!("/login?error={}", error.code());
    if return_to != "/" {
        url.push_str("&returnTo=");
        url.push_str(&encode(return_to));
    }
    Redirect::to(&url)
}

fn provider(context: &AuthContext) -> Result<&OidcProvider, ProviderSignInError> {
    context
        .oidc
        .as_deref()
        .ok_or(ProviderSignInError::Unavailable)
}

async fn start(
    Extension(context): Extension<AuthContext>,
    session: Session,
    Query(query): Query<StartQuery>,
) -> Redirect {
    let return_to = safe_return_to(query.return_to.as_deref());
    match authorization_url(&context, &session, &return_to).await {
        Ok(url) => Redirect::to(&url),
        Err(error) => to_login(error, &return_to),
    }
}

async fn authorization_url(
    context: &AuthContext,
    session: &Session,
    return_to: &str,
) -> Result<String, ProviderSignInError> {
    let provider = provider(context)?;
    let client = provider.client().await.map_err(|err| {
        tracing::warn!(error = %err, "identity provider unavailable");
        ProviderSignInError::Unavailable
    })?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for scope in &provider.settings.scopes {
        request = request.add_scope(Scope::new(scope.clone()));
    }
    let (url, state, nonce) = request.url();
    let pending = Pending {
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        return_to: return_to.to_owned(),
        started_at: chrono::Utc::now().timestamp(),
    };
    session.insert(PENDING_KEY, pending).await.map_err(|err| {
        tracing::error!(error = %err, "storing a pending provider sign-in failed");
        ProviderSignInError::Failed
    })?;
    Ok(url.to_string())
}

async fn callback(
    Extension(context): Extension<AuthContext>,
    session: Session,
    extensions: Extensions,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Redirect {
    let pending = session.remove::<Pending>(PENDING_KEY).await.ok().flatten();
    let Some(pending) = pending else {
        return to_login(ProviderSignInError::Expired, "/");
    };
    let client = ClientInfo::from_request(&extensions, &headers);
    let request = AuthRequest {
        context,
        session,
        client,
    };
    match finish(&request, &pending, query).await {
        Ok(()) => Redirect::to(&pending.return_to),
        Err(error) => to_login(error, &pending.return_to),
    }
}

/// Constant-time comparison, so the state check leaks nothing about the expected value.
fn same_secret(left: &str, right: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(left.as_bytes().ct_eq(right.as_bytes()))
}

async fn finish(
    request: &AuthRequest,
    pending: &Pending,
    query: CallbackQuery,
) -> Result<(), ProviderSignInError> {
    let provider = provider(&request.context)?;
    let fresh = chrono::Utc::now().timestamp() - pending.started_at < PENDING_FOR_SECS;
    let state_matches = query
        .state
        .as_deref()
        .is_some_and(|state| same_secret(state, &pending.state));
    if !fresh || !state_matches {
        return Err(ProviderSignInError::Expired);
    }
    if let Some(error) = query.error {
        tracing::info!(error, "the identity provider refused the sign-in");
        return Err(if error == "access_denied" {
            ProviderSignInError::Denied
        } else {
            ProviderSignInError::Failed
        });
    }
    if let Some(iss) = query.iss
        && iss != provider.settings.issuer_url
    {
        tracing::warn!(iss, "callback from an unexpected issuer");
        return Err(ProviderSignInError::Failed);
    }
    let code = query.code.ok_or(ProviderSignInError::Failed)?;
    let claims = verified_claims(provider, pending, code).await?;
    let user = account_for(request, provider, &claims).await?;
    if !user.is_active() {
        return Err(ProviderSignInError::Disabled);
    }
    apply_role_mapping(request, provider, &claims, &user).await?;
    request
        .sign_in(
            &user.id,
            serde_json::json!({ "method": "oidc", "issuer": provider.settings.issuer_url }),
        )
        .await
        .map_err(|_| ProviderSignInError::Failed)?;
    Ok(())
}

fn failed(what: &str, err: &dyn std::fmt::Display) -> ProviderSignInError {
    tracing::error!(error = %err, "{what} failed");
    ProviderSignInError::Failed
}

type Claims = IdTokenClaims<ExtraClaims, CoreGenderClaim>;

/// Exchanges the code and verifies the ID token; discovers again once if the provider's
/// keys changed since the last discovery.
async fn verified_claims(
    provider: &OidcProvider,
    pending: &Pending,
    code: String,
) -> Result<Claims, ProviderSignInError> {
    let client = provider
        .client()
        .await
        .map_err(|err| failed("discovery", &err))?;
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|err| failed("the token request", &error_chain(&err)))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
        .request_async(provider.http())
        .await
        .map_err(|err| failed("the token exchange", &error_chain(&err)))?;
    let id_token = token
        .id_token()
        .ok_or_else(|| failed("the token exchange", &"no ID token in the answer"))?;
    let nonce = Nonce::new(pending.nonce.clone());
    match id_token.claims(&client.id_token_verifier(), &nonce) {
        Ok(claims) => Ok(claims.clone()),
        Err(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        )) => {
            let client = provider
                .rediscover()
                .await
                .map_err(|err| failed("discovery", &err))?;
            id_token
                .claims(&client.id_token_verifier(), &nonce)
                .cloned()
                .map_err(|err| failed("verifying the ID token", &error_chain(&err)))
        }
        Err(err) => Err(failed("verifying the ID token", &error_chain(&err))),
    }
}

/// The account for these claims: the linked one, else an existing account with the same
/// verified email (linked now), else a new account.
async fn account_for(
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
    let verified = claims.email_verified().unwrap_or(false);
    let existing = users::find_by_email(database, &email)
        .await
        .map_err(|err| failed("looking up an account", &err))?;
    let (user, created) = match existing {
        Some(_) if !verified => return Err(ProviderSignInError::EmailUnverified),
        Some(user) => (user, false),
        None => (create_account(request, claims, &email).await?, true),
    };
    identities::link(database, issuer, subject, &user.id, Some(email.as_str()))
        .await
        .map_err(|err| failed("linking an account", &err))?;
    request
        .audit_own(
            AuditAction::OidcLinked,
            &user.id,
            serde_json::json!({ "issuer": issuer, "created": created }),
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
        // Created by a sign-in running at the same moment.
        Err(users::CreateUserError::EmailTaken) => users::find_by_email(request.database(), email)
            .await
            .map_err(|err| failed("looking up an account", &err))?
            .ok_or(ProviderSignInError::Failed),
        Err(users::CreateUserError::Storage(err)) => Err(failed("storing an account", &err)),
    }
}

/// When a role claim is configured, the provider decides who is an administrator.
async fn apply_role_mapping(
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

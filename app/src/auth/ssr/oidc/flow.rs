//! `/auth/oidc/start` sends the browser to the provider to sign in; `/auth/oidc/link`
//! (a form post from the account page) does the same to link the provider to the
//! signed-in account; `/auth/oidc/callback` takes the answer, checks it and signs in or
//! links. Any sign-in failure lands on the login page with a readable message
//! (`?error=<code>`), a link failure on the account page (`?link_error=<code>`); the
//! details go to the logs only.
//!
//! The callback is registered with the provider on the product app's host only. The admin
//! host's `/auth/oidc/start` therefore hands over to the product app's, which brings the
//! browser back to the admin host afterwards (the session cookie is shared by the sites).

use axum::Router;
use axum::extract::{Extension, Query};
use axum::http::{Extensions, HeaderMap};
use axum::response::Redirect;
use axum::routing::{get, post};
use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, CsrfToken, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, Scope, SignatureVerificationError, TokenResponse,
};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::super::super::model::{PROVIDER_LINK_PATH, ProviderSignInError};
use super::super::super::return_to::{encode, safe_return_to};
use super::super::request::{AuthRequest, ClientInfo};
use super::accounts::{Claims, account_for, apply_role_mapping, failed, link_to};
use crate::site::{Site, SiteUrls};
use domain::accounts::context::AuthContext;
use domain::oidc::OidcProvider;
use edge_protocol::api::error_chain;

pub use super::super::super::model::PROVIDER_START_PATH as START_PATH;
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";
pub const LINK_PATH: &str = PROVIDER_LINK_PATH;

/// The session key holding a sign-in in progress.
const PENDING_KEY: &str = "oidc_pending";
/// How long the provider may take to send the browser back.
const PENDING_FOR_SECS: i64 = 10 * 60;

/// The product app's routes: start, link and callback.
pub fn routes(context: AuthContext, urls: SiteUrls) -> Router {
    Router::new()
        .route(START_PATH, get(start))
        .route(LINK_PATH, post(link))
        .route(CALLBACK_PATH, get(callback))
        .layer(Extension(context))
        .layer(Extension(urls))
}

/// The admin host's start: the same sign-in, run by the product app, ending back here.
pub fn admin_routes(urls: SiteUrls) -> Router {
    Router::new()
        .route(START_PATH, get(start_for_admin))
        .layer(Extension(urls))
}

/// Which site the browser goes back to after the provider.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum ReturnSite {
    #[default]
    Beta,
    Admin,
}

impl ReturnSite {
    /// `path` on this site: relative on the product app's own host, absolute for the admin
    /// host. Only ever one of our own sites, never a URL from the request.
    fn url(self, urls: &SiteUrls, path: &str) -> String {
        match self {
            Self::Beta => path.to_owned(),
            Self::Admin => urls.url(Site::Admin, path),
        }
    }
}

/// What the session remembers between start and callback. Server-side only, and its
/// `Debug` hides the values that would let someone finish the flow (state, nonce, PKCE
/// verifier).
#[derive(Deserialize, Serialize)]
struct Pending {
    state: String,
    nonce: String,
    pkce_verifier: String,
    return_to: String,
    started_at: i64,
    #[serde(default)]
    site: ReturnSite,
    /// Set when linking: the account the identity is linked to.
    #[serde(default)]
    link_user: Option<String>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("state", &"[redacted]")
            .field("nonce", &"[redacted]")
            .field("pkce_verifier", &"[redacted]")
            .field("return_to", &self.return_to)
            .field("started_at", &self.started_at)
            .field("site", &self.site)
            .field("link_user", &self.link_user)
            .finish()
    }
}

#[derive(Debug, Deserialize)]
struct StartQuery {
    #[serde(rename = "returnTo")]
    return_to: Option<String>,
    #[serde(default)]
    site: Option<ReturnSite>,
}

#[derive(Debug, Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    iss: Option<String>,
}

fn to_login(
    urls: &SiteUrls,
    site: ReturnSite,
    error: ProviderSignInError,
    return_to: &str,
) -> Redirect {
    let mut url = format!("/login?error={}", error.code());
    if return_to != "/" {
        url.push_str("&returnTo=");
        url.push_str(&encode(return_to));
    }
    Redirect::to(&site.url(urls, &url))
}

/// Where a link attempt ends: the account page, saying how it went.
fn to_account(outcome: Result<(), ProviderSignInError>) -> Redirect {
    match outcome {
        Ok(()) => Redirect::to("/account?linked=1"),
        Err(error) => Redirect::to(&format!("/account?link_error={}", error.code())),
    }
}

fn provider(context: &AuthContext) -> Result<&OidcProvider, ProviderSignInError> {
    context
        .oidc
        .as_deref()
        .ok_or(ProviderSignInError::Unavailable)
}

async fn start(
    Extension(context): Extension<AuthContext>,
    Extension(urls): Extension<SiteUrls>,
    session: Session,
    Query(query): Query<StartQuery>,
) -> Redirect {
    let return_to = safe_return_to(query.return_to.as_deref());
    let site = query.site.unwrap_or_default();
    match authorization_url(&context, &session, &return_to, site, None).await {
        Ok(url) => Redirect::to(&url),
        Err(error) => to_login(&urls, site, error, &return_to),
    }
}

async fn start_for_admin(
    Extension(urls): Extension<SiteUrls>,
    Query(query): Query<StartQuery>,
) -> Redirect {
    let return_to = safe_return_to(query.return_to.as_deref());
    let start = format!("{START_PATH}?site=admin&returnTo={}", encode(&return_to));
    Redirect::to(&urls.url(Site::Beta, &start))
}

/// The account page's "Link <provider>" form: the same trip to the provider, for the
/// signed-in user. A form post, so the same-origin check guards it.
async fn link(
    Extension(context): Extension<AuthContext>,
    session: Session,
    extensions: Extensions,
    headers: HeaderMap,
) -> Redirect {
    let request = AuthRequest {
        context,
        session,
        client: ClientInfo::from_request(&extensions, &headers),
    };
    let user_id = match request.user_id().await {
        Ok(Some(user_id)) => user_id,
        Ok(None) => return Redirect::to("/login?returnTo=/account"),
        Err(_) => return to_account(Err(ProviderSignInError::Failed)),
    };
    let AuthRequest {
        context, session, ..
    } = request;
    match authorization_url(
        &context,
        &session,
        "/account",
        ReturnSite::Beta,
        Some(user_id),
    )
    .await
    {
        Ok(url) => Redirect::to(&url),
        Err(error) => to_account(Err(error)),
    }
}

async fn authorization_url(
    context: &AuthContext,
    session: &Session,
    return_to: &str,
    site: ReturnSite,
    link_user: Option<String>,
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
        started_at: domain::clock::now(),
        site,
        link_user,
    };
    session.insert(PENDING_KEY, pending).await.map_err(|err| {
        tracing::error!(error = %err, "storing a pending provider sign-in failed");
        ProviderSignInError::Failed
    })?;
    Ok(url.to_string())
}

async fn callback(
    Extension(context): Extension<AuthContext>,
    Extension(urls): Extension<SiteUrls>,
    session: Session,
    extensions: Extensions,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> Redirect {
    let pending = session.remove::<Pending>(PENDING_KEY).await.ok().flatten();
    let Some(pending) = pending else {
        return to_login(&urls, ReturnSite::Beta, ProviderSignInError::Expired, "/");
    };
    let client = ClientInfo::from_request(&extensions, &headers);
    let request = AuthRequest {
        context,
        session,
        client,
    };
    let outcome = finish(&request, &pending, query).await;
    if pending.link_user.is_some() {
        return to_account(outcome);
    }
    match outcome {
        Ok(()) => Redirect::to(&pending.site.url(&urls, &pending.return_to)),
        Err(error) => to_login(&urls, pending.site, error, &pending.return_to),
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
    let fresh = domain::clock::now() - pending.started_at < PENDING_FOR_SECS;
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
    if let Some(user_id) = &pending.link_user {
        return link_to(request, provider, &claims, user_id).await;
    }
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

#[cfg(test)]
mod tests {
    use super::{Pending, ReturnSite};

    #[test]
    fn debug_output_never_shows_what_finishes_the_flow() {
        let pending = Pending {
            state: "state-3f9a2c".to_owned(),
            nonce: "nonce-77b1e0".to_owned(),
            pkce_verifier: "verifier-c0ffee5e1f".to_owned(),
            return_to: "/account".to_owned(),
            started_at: 1,
            site: ReturnSite::Beta,
            link_user: None,
        };
        let printed = format!("{pending:?}");
        for secret in ["state-3f9a2c", "nonce-77b1e0", "verifier-c0ffee5e1f"] {
            assert!(!printed.contains(secret), "{printed}");
        }
        assert!(printed.contains("/account"), "{printed}");
    }
}

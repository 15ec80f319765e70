//! One configured OpenID Connect provider: its settings, and its client, discovered on
//! first use (so the server starts even while the provider is down) and discovered again
//! when the provider's signing keys change.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use edge_protocol::api::error_chain;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreRevocableToken, CoreRevocationErrorResponse, CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, Client, ClientId, ClientSecret, EmptyExtraTokenFields, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl, RedirectUrl, StandardErrorResponse,
    StandardTokenResponse,
};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use super::http::OidcHttp;

/// How a provider is configured (`LP_OIDC_*`).
#[derive(Clone, Debug)]
pub struct OidcSettings {
    /// The issuer exactly as the provider names itself, e.g.
    /// `https://sso.example.com/realms/luckyplans`.
    pub issuer_url: String,
    pub client_id: String,
    pub client_secret: SecretString,
    /// Scopes besides `openid`.
    pub scopes: Vec<String>,
    /// Shown on the button: "Sign in with <name>".
    pub display_name: String,
    /// A dotted path to a claim of the ID token listing roles, e.g. `realm_access.roles`;
    /// when set, the provider decides who is an administrator at every sign-in.
    pub role_claim: Option<String>,
    /// The value in `role_claim` that makes an administrator.
    pub admin_role: String,
}

/// Every claim of the ID token beyond the standard ones, for the role mapping.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct ExtraClaims(pub HashMap<String, serde_json::Value>);

impl AdditionalClaims for ExtraClaims {}

impl ExtraClaims {
    /// Whether the claim at `path` (dotted) is `value` or a list containing it.
    pub fn has_role(&self, path: &str, value: &str) -> bool {
        let mut parts = path.split('.');
        let Some(first) = parts.next() else {
            return false;
        };
        let mut claim = self.0.get(first);
        for part in parts {
            claim = claim.and_then(|inner| inner.get(part));
        }
        match claim {
            Some(serde_json::Value::String(role)) => role == value,
            Some(serde_json::Value::Array(roles)) => roles.iter().any(|role| role == value),
            _ => false,
        }
    }
}

pub type OidcTokenResponse = StandardTokenResponse<
    IdTokenFields<
        ExtraClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

/// The discovered client: authorization endpoint set, token endpoint from discovery.
pub type OidcClient = Client<
    ExtraClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    OidcTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Discovered metadata is refreshed this often, so rotated keys are picked up.
const REDISCOVER_AFTER: Duration = Duration::from_secs(60 * 60);

/// A configured provider and its cached client.
#[derive(Debug)]
pub struct OidcProvider {
    pub settings: OidcSettings,
    redirect_uri: RedirectUrl,
    http: OidcHttp,
    client: RwLock<Option<(OidcClient, Instant)>>,
}

/// Why the provider could not be used; logged, never shown as is.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("invalid setting: {0}")]
    Config(String),
    #[error("discovery failed: {0}")]
    Discovery(String),
}

impl OidcProvider {
    /// `redirect_uri` is the callback on the product app's host.
    pub fn new(settings: OidcSettings, redirect_uri: &str) -> Result<Self, ProviderError> {
        let redirect_uri = RedirectUrl::new(redirect_uri.to_owned())
            .map_err(|err| ProviderError::Config(format!("redirect URI: {err}")))?;
        IssuerUrl::new(settings.issuer_url.clone())
            .map_err(|err| ProviderError::Config(format!("LP_OIDC_ISSUER_URL: {err}")))?;
        let http = OidcHttp::new().map_err(|err| ProviderError::Config(err.to_string()))?;
        Ok(Self {
            settings,
            redirect_uri,
            http,
            client: RwLock::new(None),
        })
    }

    pub const fn http(&self) -> &OidcHttp {
        &self.http
    }

    /// The client, discovering the provider if it was not yet (or too long ago).
    pub async fn client(&self) -> Result<OidcClient, ProviderError> {
        if let Some((client, at)) = self.client.read().await.as_ref()
            && at.elapsed() < REDISCOVER_AFTER
        {
            return Ok(client.clone());
        }
        self.rediscover().await
    }

    /// Discovers the provider again (after its keys changed, say).
    pub async fn rediscover(&self) -> Result<OidcClient, ProviderError> {
        let issuer = IssuerUrl::new(self.settings.issuer_url.clone())
            .map_err(|err| ProviderError::Config(err.to_string()))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http)
            .await
            .map_err(|err| ProviderError::Discovery(error_chain(&err)))?;
        let client = OidcClient::from_provider_metadata(
            metadata,
            ClientId::new(self.settings.client_id.clone()),
            Some(ClientSecret::new(
                self.settings.client_secret.expose_secret().to_owned(),
            )),
        )
        .set_redirect_uri(self.redirect_uri.clone());
        *self.client.write().await = Some((client.clone(), Instant::now()));
        Ok(client)
    }
}

#[cfg(test)]
mod tests {
    use super::ExtraClaims;

    fn claims(json: &str) -> ExtraClaims {
        ExtraClaims(serde_json::from_str(json).expect("json"))
    }

    #[test]
    fn finds_roles_at_a_dotted_path_as_a_list_or_a_string() {
        let keycloak = claims(r#"{"realm_access":{"roles":["offline_access","admin"]}}"#);
        assert!(keycloak.has_role("realm_access.roles", "admin"));
        assert!(!keycloak.has_role("realm_access.roles", "owner"));
        assert!(!keycloak.has_role("resource_access.roles", "admin"));
        let flat = claims(r#"{"role":"admin","groups":["staff"]}"#);
        assert!(flat.has_role("role", "admin"));
        assert!(flat.has_role("groups", "staff"));
        assert!(!flat.has_role("role.admin", "admin"));
    }
}

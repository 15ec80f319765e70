//! Sign-in through an OpenID Connect provider (Keycloak or any other): authorization code
//! flow with PKCE, state and nonce; the ID token's signature, issuer, audience, expiry and
//! nonce are checked by `openidconnect`. Accounts are linked by (issuer, subject).
//!
//! - [`provider`]: settings and the lazily discovered client;
//! - [`flow`]: the two plain axum routes, `/auth/oidc/start` and `/auth/oidc/callback`;
//! - [`identities`]: the (issuer, subject) → account links.

mod flow;
mod http;
mod identities;
mod provider;

pub use flow::{CALLBACK_PATH, START_PATH, routes};
pub use provider::{OidcProvider, OidcSettings, ProviderError};

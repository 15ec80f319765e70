//! Sign-in through an OpenID Connect provider (Keycloak or any other): authorization code
//! flow with PKCE, state and nonce; the ID token's signature, issuer, audience, expiry and
//! nonce are checked by `openidconnect`. Accounts are linked by (issuer, subject).
//!
//! - [`provider`]: settings and the lazily discovered client;
//! - [`flow`]: the plain axum routes `/auth/oidc/start`, `/auth/oidc/link` and
//!   `/auth/oidc/callback`;
//! - [`accounts`]: which account an identity signs in to, and linking from the account page;
//! - [`identities`]: the (issuer, subject) → account links.

mod accounts;
mod flow;
mod http;
mod identities;
mod provider;

pub use accounts::linked_identities;
pub use flow::{CALLBACK_PATH, LINK_PATH, START_PATH, admin_routes, routes};
pub use provider::{OidcProvider, OidcSettings, ProviderError};

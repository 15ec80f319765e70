//! Sign-in through an OpenID Connect provider (Keycloak or any other): authorization code
//! flow with PKCE, state and nonce; the ID token's signature, issuer, audience, expiry and
//! nonce are checked by `openidconnect`. Accounts are linked by (issuer, subject).
//!
//! - `domain::oidc`: settings, the lazily discovered client, and the (issuer, subject) →
//!   account links;
//! - [`flow`]: the plain axum routes `/auth/oidc/start`, `/auth/oidc/link` and
//!   `/auth/oidc/callback`;
//! - [`accounts`]: which account an identity signs in to, and linking from the account page.

mod accounts;
mod flow;

pub use accounts::linked_identities;
pub use domain::oidc::{OidcProvider, OidcSettings, ProviderError};
pub use flow::{CALLBACK_PATH, LINK_PATH, START_PATH, admin_routes, routes};

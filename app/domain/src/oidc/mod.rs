//! The OpenID Connect provider as the server sees it: its settings, the client discovered
//! lazily from its issuer (with PKCE, state and nonce checked by `openidconnect`), the
//! HTTP client it talks through, and the (issuer, subject) → account links.
//!
//! The browser-facing routes (`/auth/oidc/start`, `/link`, `/callback`) live with the
//! app's auth layer, which calls into this module.

mod http;
pub mod identities;
mod provider;

pub use provider::{ExtraClaims, OidcProvider, OidcSettings, ProviderError};

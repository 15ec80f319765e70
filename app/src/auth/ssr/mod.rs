//! Server-only half of the auth layer: the caller's session and guards ([`request`],
//! [`guard`]), the server functions' bodies ([`handlers`]) and the single sign-on routes
//! ([`oidc`]). The rules they apply — accounts, sessions, the audit log — live in the
//! `domain` crate, which these modules call by its own paths.

pub mod guard;
pub mod handlers;
pub mod oidc;
pub mod request;

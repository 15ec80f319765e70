//! Server-only half of the auth layer: the caller's session and guards ([`request`],
//! [`guard`]), the server functions' bodies ([`handlers`]) and the single sign-on routes
//! ([`oidc`]). The rules they apply live in the `domain` crate; the re-exports below keep
//! the names the app's modules use.

pub use domain::accounts::context;
pub use domain::accounts::manage as accounts;
pub use domain::audit;
pub mod guard;
pub mod handlers;
pub use domain::accounts::input;
pub mod oidc;
pub use domain::accounts::password;
pub use domain::sessions::registry;
pub mod request;
pub use domain::accounts::throttle;
pub use domain::accounts::users;

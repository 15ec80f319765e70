//! Server-only half of the auth layer: validation, password hashing, the user store,
//! the audit log and access to the caller's session.

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

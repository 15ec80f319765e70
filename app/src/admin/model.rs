//! What the admin section's server functions return (from the `app-model` crate, which
//! the server-side domain shares).

pub use app_model::admin::*;

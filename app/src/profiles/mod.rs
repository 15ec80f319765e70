//! Portfolio profiles: the server functions that read and change a user's own profile
//! and read a public one. The rules and storage are the domain's (`domain::profiles`).

pub mod api;
#[cfg(feature = "ssr")]
mod handlers;
pub mod model;

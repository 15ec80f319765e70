//! Portfolio profiles: the editor at `/profile`, the public page at `/u/{handle}`, the
//! people directory at `/people`, and the server functions behind them. The rules and
//! storage are the domain's (`domain::profiles`).

pub mod api;
mod editor;
mod format;
#[cfg(feature = "ssr")]
mod handlers;
pub mod model;
mod people;
mod public;

pub use editor::ProfileEditorPage;
pub use people::PeoplePage;
pub use public::PublicProfilePage;

/// Where the server sends the caller's profile as a JSON Resume file (a plain route of
/// the server's, not a server function: the answer is a document to save).
pub const EXPORT_PATH: &str = "/api/profile/export";

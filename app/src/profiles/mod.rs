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

//! The documentation and blog site on the docs host.
//!
//! Pages are rendered on the server from markdown compiled into the binary, then cached
//! and served to everyone alike. The browser is not handed the page as an app to
//! hydrate: its small bundle adds search, the table-of-contents highlight, copy buttons,
//! the theme switch and the account corner to the HTML the server sent.

pub mod model;
pub mod search;

#[cfg(feature = "ssr")]
pub mod content;
#[cfg(feature = "ssr")]
pub mod feeds;
#[cfg(feature = "ssr")]
mod views;

#[cfg(feature = "hydrate")]
pub mod client;

#[cfg(feature = "ssr")]
pub use views::{DocsApp, DocsSettings, shell};

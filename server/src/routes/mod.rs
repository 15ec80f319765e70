//! The HTTP surface: probes, the edge API, the live event streams and the four sites,
//! chosen by host.

pub mod datasets;
mod download;
pub mod edge;
pub mod error_body;
pub mod health;
pub mod live;
pub mod page_cache;
pub mod profile_export;
mod refusal;
pub mod results_export;
mod seo;
pub mod sites;
mod static_files;

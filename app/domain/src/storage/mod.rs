//! Storage seams: one interface, an embedded default and a production backend each.
//!
//! - [`Database`]: SQLite file by default, PostgreSQL when `DATABASE_URL` says so.
//! - [`ObjectStorage`]: a folder under the data directory by default, S3-compatible when configured.
//!
//! Sessions use the same database unless Redis is configured (see `auth::session_store`).

mod database;
mod error;
mod objects;

pub use crate::{in_transaction, on_pool};
pub use database::{Database, DatabaseConfig};
pub use error::{StorageError, StorageErrorKind};
pub use objects::{ObjectStorage, ObjectStoreConfig, ObjectWriter, S3Config};

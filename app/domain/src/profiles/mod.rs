//! Portfolio profiles: one per user, a handle that names its public page, a bio, and
//! ordered sections of items.
//!
//! - [`rules`]: what valid input is — handles, lengths, web addresses, months, and each
//!   kind of item's fields (from `app_model::profiles::ItemKind::fields`).
//! - [`store`]: reading and changing a profile. Every change is bound to the caller's own
//!   user id, so another user's profile or item is "not found", whatever id is guessed.
//!
//! - [`directory`]: the people directory's index and search, on both backends.
//! - [`resume`]: export as JSON Resume, and reading one back for an import.
//!
//! Failures are [`ProfileError`]s.

pub mod directory;
pub mod error;
pub mod resume;
pub mod rules;
pub mod store;

pub use error::ProfileError;
pub use rules::{BasicsDraft, ItemDraft};
pub use store::{delete_item, import, mine, move_item, public, save, save_item};

/// How many items one list (a section, or a category's skills) may hold.
pub const ITEMS_PER_LIST: i64 = 50;

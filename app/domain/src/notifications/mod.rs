//! In-app notifications: stored per user, announced over the live stream, each kind
//! switchable on the account page.
//!
//! - [`events`]: what the fleet notifies about — an agent going offline or quarantined, a
//!   backtest finishing or failing — written once per event whichever replica sees it.
//! - [`inbox`]: a user's own notifications (newest first, unread count, marking read)
//!   and settings. Everything is scoped to the caller: another user's notification is
//!   "not found".
//!
//! Failures are the fleet's (`FleetError`): notifications are read and written beside it,
//! and its server functions already map them.

pub mod events;
pub mod inbox;

pub use inbox::{list, mark_all_read, mark_read, prune, save_settings, settings, unread};

/// How many notifications the inbox shows.
pub const SHOWN: i64 = 50;

/// How long a read notification is kept.
pub const KEEP_READ_SECS: i64 = 90 * 24 * 60 * 60;

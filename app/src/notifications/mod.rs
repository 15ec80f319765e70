//! Notifications in the product app: the bell in the header with the unread count, the
//! `/notifications` page, and which kinds to hear on the account page. All of it follows
//! the live stream, so a notification shows up without a reload.

pub mod api;
mod bell;
#[cfg(feature = "ssr")]
mod handlers;
mod page;
mod settings;

pub use bell::NotificationBell;
pub use page::NotificationsPage;
pub use settings::NotificationSettingsCard;

//! The design system shared by every site: one document shell, one header and footer,
//! one theme switch and one 404 page. Colours, type and components live in
//! `style/tailwind.css`; the views here only use its tokens and component classes.

mod account_corner;
pub mod chart;
pub mod clock;
mod document;
#[cfg(feature = "hydrate")]
pub mod enhance;
mod form;
mod icons;
mod layout;
pub mod live;
mod not_found;
pub mod paging;
mod seo;
pub mod theme;
pub mod time;

pub use account_corner::AccountCorner;
pub use document::{Document, SITE_NAME};
pub use form::TextField;
pub use icons::{Icon, IconKind};
pub use layout::{NavLink, SiteFooter, SiteHeader};
pub use not_found::NotFound;
pub use seo::{SHARE_IMAGE, SeoMeta};
pub use theme::ThemeToggle;

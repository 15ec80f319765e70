//! The LuckyPlans product app and the layer every site shares.
//!
//! - [`beta`] and [`admin`]: the signed-in product (beta host) and its admin section (admin host).
//! - [`ui`]: the design system — document shell, header, footer, theme switch, 404 page.
//! - [`site`]: which site a request belongs to and the public URL of every site.
//! - [`fleet`]: edge agents and enrollment tokens, and the server functions of the whole
//!   fleet (datasets, tasks and results too).
//! - [`datasets`] and [`backtests`]: the pages for data and for backtests and their results.
//! - [`notifications`]: the header's bell, the notifications page and their settings.
//! - [`profiles`]: portfolio profiles' server functions.
//! - [`auth`]: the one auth and session layer used by landing, docs and the product.
//! - [`errors`]: what every server function's error type shares: stable codes, HTTP
//!   statuses, internal causes logged and never sent.
//!
//! The server-side rules and storage behind the server functions live in the `domain`
//! crate (`app/domain`), which only the server build compiles.

pub mod admin;
pub mod auth;
pub mod backtests;
pub mod beta;
pub mod datasets;
pub mod errors;
pub mod fleet;
pub mod notifications;
pub mod profiles;
pub mod site;
pub mod ui;

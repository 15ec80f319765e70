//! The edge API contract: one definition of what the LuckyPlans server and the edge agent say
//! to each other.
//!
//! - [`api`]: every request and response body under `/edge/v1`, and the typed error.
//! - [`strategy`]: the built-in strategies, their parameter schemas and grid expansion.
//! - [`dataset`]: the OHLCV candle format and its validation.
//! - [`backtest`]: costs, metrics and equity curves — what a task is run with and reports.
//!
//! No web framework lives here; the server adds OpenAPI schemas with the `openapi` feature.

pub mod api;
pub mod backtest;
pub mod dataset;
pub mod strategy;

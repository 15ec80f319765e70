//! The LuckyPlans edge agent.
//!
//! - [`engine`]: the backtest engine — strategies over OHLCV candles, costs, metrics and a
//!   downsampled equity curve; deterministic, and parallel across parameter configs.

pub mod engine;

//! The backtest engine.
//!
//! A backtest walks the candles once. Each strategy looks only at closes up to the current
//! bar and says whether it wants to be in the market; a change is filled at the next bar's
//! open (never at a price it could not have known), less slippage and fees. Equity is
//! marked to market at every close, and a position still held at the end is sold at the
//! last close. Long-only, all-in: the questions a parameter sweep asks are which settings
//! make money and at what risk, and those need the same footing.
//!
//! The inner loop allocates nothing but the list of round trips (`trades`): indicators
//! keep running sums and read the values that leave their window straight from the
//! candles, and the `metrics` are running sums too.

mod metrics;
#[cfg(test)]
mod reference;
mod run;
mod strategy;
#[cfg(test)]
mod tests;
mod trades;

pub use edge_protocol::backtest::{Costs, CurvePoint, MAX_TRADES_PER_RESULT, Metrics, Trade};
pub use edge_protocol::dataset::Candle;
pub use edge_protocol::strategy::{ConfigError, StrategyConfig};
pub use run::{Report, run, run_all};

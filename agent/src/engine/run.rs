//! Running a config over candles, one or many at once.

use edge_protocol::backtest::{Costs, CurvePoint, Trade};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Candle;
use super::metrics::{Accumulator, Metrics};
use super::strategy::signals;
use super::trades::RoundTrips;
use edge_protocol::strategy::{ConfigError, StrategyConfig};

/// The result of one config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub config: StrategyConfig,
    pub metrics: Metrics,
    /// Equity (starting at 1.0) at evenly spaced bars, the last bar always included.
    pub equity_curve: Vec<CurvePoint>,
    /// The round trips in order, at most
    /// [`MAX_TRADES_PER_RESULT`](edge_protocol::backtest::MAX_TRADES_PER_RESULT); the
    /// metrics count every one.
    pub trades: Vec<Trade>,
    /// Whether the run made more round trips than `trades` holds.
    pub trades_truncated: bool,
}

const STARTING_EQUITY: f64 = 1.0;

/// Backtests one config; `curve_points` bounds the equity curve's length.
///
/// Fills: a buy pays `open × (1 + slippage)` per unit plus the fee on that traded value,
/// so all the cash buys `cash / (open × (1 + slippage) × (1 + fee))` units; a sale gets
/// `open × (1 − slippage)` per unit less the fee on that value. A position still held at
/// the end is sold the same way at the last close, so the run ends in cash and the
/// compounded trade returns make the total return.
pub fn run(
    candles: &[Candle],
    config: &StrategyConfig,
    costs: Costs,
    curve_points: usize,
) -> Result<Report, ConfigError> {
    config.validate()?;
    let mut signals = signals(config);
    let stride = candles.len().div_ceil(curve_points.max(1)).max(1);
    let mut curve = Vec::with_capacity(candles.len().div_ceil(stride) + 1);
    let mut stats = Accumulator::new(STARTING_EQUITY);
    let mut trips = RoundTrips::default();
    let buy_factor = (1.0 + costs.slippage) * (1.0 + costs.fee);
    let sell_factor = (1.0 - costs.slippage) * (1.0 - costs.fee);
    let (mut cash, mut units) = (STARTING_EQUITY, 0.0_f64);
    let mut holding = false;
    let mut wants_long = false;
    let last = candles.len().saturating_sub(1);
    for (index, candle) in candles.iter().enumerate() {
        if wants_long != holding {
            if wants_long {
                let price = candle.open * buy_factor;
                units = cash / price;
                cash = 0.0;
                trips.open(candle.time, price);
            } else {
                let price = candle.open * sell_factor;
                cash = units * price;
                units = 0.0;
                trips.close(candle.time, price);
            }
            holding = wants_long;
        }
        let equity = if index == last {
            // The final sale (a no-op when flat: `units` is zero).
            let price = candle.close * sell_factor;
            if holding {
                trips.close(candle.time, price);
            }
            cash + units * price
        } else {
            cash + units * candle.close
        };
        stats.bar(candle.time, equity, holding);
        if index % stride == 0 || index == last {
            curve.push(CurvePoint {
                time: candle.time,
                equity,
            });
        }
        wants_long = signals.wants_long(candles, index, holding);
    }
    let (span, buy_and_hold) = match (candles.first(), candles.last()) {
        (Some(first), Some(last)) => (last.time - first.time, last.close / first.open - 1.0),
        _ => (0, 0.0),
    };
    let figures = trips.figures();
    let (trades, trades_truncated) = trips.into_list();
    Ok(Report {
        config: *config,
        metrics: stats.finish(STARTING_EQUITY, span, buy_and_hold, &figures),
        equity_curve: curve,
        trades,
        trades_truncated,
    })
}

/// Backtests every config, in parallel on the current rayon pool, in the given order.
pub fn run_all(
    candles: &[Candle],
    configs: &[StrategyConfig],
    costs: Costs,
    curve_points: usize,
) -> Vec<Result<Report, ConfigError>> {
    configs
        .par_iter()
        .map(|config| run(candles, config, costs, curve_points))
        .collect()
}

//! Running a config over candles, one or many at once.

use edge_protocol::backtest::{Costs, CurvePoint};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::Candle;
use super::metrics::{Accumulator, Metrics};
use super::strategy::signals;
use edge_protocol::strategy::{ConfigError, StrategyConfig};

/// The result of one config.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub config: StrategyConfig,
    pub metrics: Metrics,
    /// Equity (starting at 1.0) at evenly spaced bars, the last bar always included.
    pub equity_curve: Vec<CurvePoint>,
}

const STARTING_EQUITY: f64 = 1.0;

/// Backtests one config; `curve_points` bounds the equity curve's length.
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
    let (mut cash, mut units) = (STARTING_EQUITY, 0.0_f64);
    let mut holding = false;
    let mut wants_long = false;
    let mut entry_value = 0.0;
    let last = candles.len().saturating_sub(1);
    for (index, candle) in candles.iter().enumerate() {
        if wants_long != holding {
            if wants_long {
                let price = candle.open * (1.0 + costs.slippage);
                entry_value = cash;
                units = cash * (1.0 - costs.fee) / price;
                cash = 0.0;
                stats.trades += 1;
            } else {
                let price = candle.open * (1.0 - costs.slippage);
                cash = units * price * (1.0 - costs.fee);
                units = 0.0;
                stats.wins += u32::from(cash > entry_value);
            }
            holding = wants_long;
        }
        let equity = cash + units * candle.close;
        stats.bar(equity, holding);
        if index % stride == 0 || index == last {
            curve.push(CurvePoint {
                time: candle.time,
                equity,
            });
        }
        wants_long = signals.wants_long(candles, index, holding);
    }
    if holding {
        // A trade still open at the end is judged at the last close.
        let open_value = units * candles[last].close;
        stats.wins += u32::from(open_value > entry_value);
    }
    let span = match (candles.first(), candles.last()) {
        (Some(first), Some(last)) => last.time - first.time,
        _ => 0,
    };
    Ok(Report {
        config: *config,
        metrics: stats.finish(STARTING_EQUITY, span),
        equity_curve: curve,
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

//! What a backtest runs with (costs) and what it reports (metrics and an equity curve).

use serde::{Deserialize, Serialize};

/// Trading costs, as fractions of the traded value (`0.001` is 0.1 %).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Costs {
    /// Charged on every fill, buying and selling.
    pub fee: f64,
    /// How much worse than the open every fill is.
    pub slippage: f64,
}

/// The largest fee or slippage a task accepts: beyond 10 % a backtest says nothing useful.
pub const MAX_COST: f64 = 0.1;

impl Costs {
    /// Checks both costs are finite fractions in `0..=MAX_COST`; names the bad one.
    pub fn validate(&self) -> Result<(), &'static str> {
        for (name, value) in [("fee", self.fee), ("slippage", self.slippage)] {
            if !(value.is_finite() && (0.0..=MAX_COST).contains(&value)) {
                return Err(name);
            }
        }
        Ok(())
    }
}

/// One point of the equity curve; equity starts at 1.0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurvePoint {
    /// Unix seconds of the bar.
    pub time: i64,
    pub equity: f64,
}

/// The figures of one config's run. Ratios are fractions (`0.12` is 12 %).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Metrics {
    /// Final equity over starting equity, minus one.
    pub total_return: f64,
    /// The total return as a yearly rate, from the candles' spacing.
    pub annualised_return: f64,
    /// Mean over standard deviation of per-bar returns, annualised.
    pub sharpe: f64,
    /// Like Sharpe, with only the downside deviation below.
    pub sortino: f64,
    /// The largest fall from a peak of equity, as a fraction of that peak.
    pub max_drawdown: f64,
    /// Round trips that ended above their entry, over all round trips.
    pub win_rate: f64,
    /// Round trips (entries).
    pub trades: u32,
    /// Bars ended in the market, over all bars.
    pub exposure: f64,
}

impl Metrics {
    /// Whether every figure is a finite number: JSON cannot carry NaN or infinity, and a
    /// result that has them is a broken run, not a result.
    pub fn is_finite(&self) -> bool {
        [
            self.total_return,
            self.annualised_return,
            self.sharpe,
            self.sortino,
            self.max_drawdown,
            self.win_rate,
            self.exposure,
        ]
        .iter()
        .all(|value| value.is_finite())
    }
}

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

/// The figures of one config's run. Ratios are fractions (`0.12` is 12 %), durations are
/// seconds. A figure that has no value for a run (a profit factor without losing trades, the
/// best trade of a run without trades) is `None`, never a made-up number. Fields added after
/// the first protocol version default when an older agent leaves them out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Metrics {
    /// Final equity over starting equity, minus one.
    pub total_return: f64,
    /// The dataset's last close over its first open, minus one: what holding did.
    #[serde(default)]
    pub buy_and_hold_return: f64,
    /// The total return as a compound yearly rate (CAGR) over the candles' time span, a
    /// year being 365.25 days. A gain over a few seconds compounds past any number: it
    /// shows as the largest finite one.
    pub annualised_return: f64,
    /// Sample standard deviation of per-bar returns, times the square root of the bars a
    /// year (from the candles' time span).
    #[serde(default)]
    pub volatility: f64,
    /// Mean over sample standard deviation of per-bar returns, times the square root of
    /// the bars a year; 0 when returns do not vary.
    pub sharpe: f64,
    /// Like Sharpe, over the downside deviation (the root mean square of per-bar returns,
    /// gains counted as 0); 0 without a losing bar.
    pub sortino: f64,
    /// CAGR over max drawdown; `None` without a drawdown.
    #[serde(default)]
    pub calmar: Option<f64>,
    /// The largest fall from a peak of equity, as a fraction of that peak.
    pub max_drawdown: f64,
    /// The longest time from a peak of equity until equity stood there again (or the end);
    /// 0 without a drawdown.
    #[serde(default)]
    pub max_drawdown_duration: i64,
    /// The mean depth of the drawdowns, each at its deepest; 0 without a drawdown.
    #[serde(default)]
    pub average_drawdown: f64,
    /// Round trips with a positive return, over all round trips; 0 without trades.
    pub win_rate: f64,
    /// Round trips (entries).
    pub trades: u32,
    /// Bars ended in the market, over all bars (the last bar counts when a trade is sold
    /// at its close).
    pub exposure: f64,
    /// The best round trip's return.
    #[serde(default)]
    pub best_trade: Option<f64>,
    /// The worst round trip's return.
    #[serde(default)]
    pub worst_trade: Option<f64>,
    /// The geometric mean of the round trips' returns: the return which, made by every
    /// trade, compounds to what they made together.
    #[serde(default)]
    pub average_trade: Option<f64>,
    /// The longest round trip, entry to exit.
    #[serde(default)]
    pub max_trade_duration: Option<i64>,
    /// The mean round trip, entry to exit, to the nearest second.
    #[serde(default)]
    pub average_trade_duration: Option<i64>,
    /// The winning round trips' returns added up, over the losing ones' (as a positive
    /// number); `None` without a losing trade.
    #[serde(default)]
    pub profit_factor: Option<f64>,
    /// The arithmetic mean return of a round trip (win rate times average win plus loss
    /// rate times average loss).
    #[serde(default)]
    pub expectancy: Option<f64>,
}

/// One round trip: bought at an open, sold at a later open (or at the last close).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trade {
    /// Unix seconds of the entry bar.
    pub entry_time: i64,
    /// Unix seconds of the exit bar.
    pub exit_time: i64,
    /// The fill price of the entry, costs included.
    pub entry_price: f64,
    /// The fill price of the exit, costs included.
    pub exit_price: f64,
    /// Exit over entry, minus one, after costs.
    #[serde(rename = "return")]
    pub trade_return: f64,
}

/// The most trades one result carries; a run with more reports the first ones and says so.
pub const MAX_TRADES_PER_RESULT: usize = 10_000;

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
            self.volatility,
            self.buy_and_hold_return,
            self.average_drawdown,
        ]
        .into_iter()
        .chain(self.calmar)
        .chain(self.best_trade)
        .chain(self.worst_trade)
        .chain(self.average_trade)
        .chain(self.profit_factor)
        .chain(self.expectancy)
        .all(f64::is_finite)
    }
}

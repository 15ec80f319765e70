//! What a backtest is judged by.
//!
//! Every figure comes from running sums updated once per bar, so a run over a million
//! candles allocates nothing here; the exact definitions are on [`Metrics`]'s fields and in
//! the results guide of the docs.

pub use edge_protocol::backtest::Metrics;

use super::trades::TradeFigures;

/// A Julian year: what "annualised" means for every figure here.
pub(super) const SECONDS_PER_YEAR: f64 = 365.25 * 24.0 * 60.0 * 60.0;

/// Running sums over the equity series; updated once per bar, without allocating.
#[derive(Debug)]
pub(super) struct Accumulator {
    previous_equity: f64,
    /// Per-bar returns, with Welford's running mean and sum of squared deviations: the
    /// textbook sum-of-squares formula cancels catastrophically when returns are small
    /// next to their mean.
    returns: u64,
    mean: f64,
    squared_deviations: f64,
    /// Squares of the losing bars' returns (the gaining bars count as zero).
    downside_sum_of_squares: f64,
    peak: f64,
    peak_time: i64,
    max_drawdown: f64,
    /// The drawdown under way, if any: its depth so far.
    episode_depth: f64,
    in_drawdown: bool,
    drawdowns: u64,
    /// Welford's mean again, of each finished drawdown's depth.
    mean_drawdown: f64,
    max_drawdown_duration: i64,
    last_time: i64,
    bars: u64,
    bars_in_market: u64,
}

impl Accumulator {
    pub(super) const fn new(starting_equity: f64) -> Self {
        Self {
            previous_equity: starting_equity,
            returns: 0,
            mean: 0.0,
            squared_deviations: 0.0,
            downside_sum_of_squares: 0.0,
            peak: starting_equity,
            peak_time: 0,
            max_drawdown: 0.0,
            episode_depth: 0.0,
            in_drawdown: false,
            drawdowns: 0,
            mean_drawdown: 0.0,
            max_drawdown_duration: 0,
            last_time: 0,
            bars: 0,
            bars_in_market: 0,
        }
    }

    /// One bar: its time, the equity at its close, and whether it ended in the market.
    #[inline]
    #[allow(clippy::cast_precision_loss)]
    pub(super) fn bar(&mut self, time: i64, equity: f64, in_market: bool) {
        if self.bars == 0 {
            // The peak before the first bar is the starting equity, seen at the first bar.
            self.peak_time = time;
        } else {
            let change = equity / self.previous_equity - 1.0;
            self.returns += 1;
            // The reciprocal depends only on the count, so its division runs beside the
            // chain of running means instead of in it.
            let weight = 1.0 / self.returns as f64;
            let delta = change - self.mean;
            self.mean += delta * weight;
            self.squared_deviations += delta * (change - self.mean);
            let downside = change.min(0.0);
            self.downside_sum_of_squares += downside * downside;
        }
        self.previous_equity = equity;
        self.last_time = time;
        self.bars += 1;
        self.bars_in_market += u64::from(in_market);
        if equity >= self.peak {
            // Standing at the peak again ends a drawdown; a new high moves the peak.
            if self.in_drawdown {
                self.end_drawdown(time);
            }
            self.peak = equity;
            self.peak_time = time;
        } else {
            self.in_drawdown = true;
            let drawdown = 1.0 - equity / self.peak;
            self.episode_depth = self.episode_depth.max(drawdown);
            self.max_drawdown = self.max_drawdown.max(drawdown);
        }
    }

    #[allow(clippy::cast_precision_loss)]
    fn end_drawdown(&mut self, time: i64) {
        self.drawdowns += 1;
        self.mean_drawdown += (self.episode_depth - self.mean_drawdown) / self.drawdowns as f64;
        self.max_drawdown_duration = self.max_drawdown_duration.max(time - self.peak_time);
        self.episode_depth = 0.0;
        self.in_drawdown = false;
    }

    /// The metrics, given the candles' time span, what holding did, and the round trips.
    #[allow(clippy::cast_precision_loss)]
    pub(super) fn finish(
        mut self,
        starting_equity: f64,
        span_seconds: i64,
        buy_and_hold_return: f64,
        trades: &TradeFigures,
    ) -> Metrics {
        if self.in_drawdown {
            // A drawdown the run never climbs out of lasts until the end.
            self.end_drawdown(self.last_time);
        }
        let growth = self.previous_equity / starting_equity;
        let span = span_seconds as f64;
        let periods_per_year = if self.returns > 0 && span_seconds > 0 {
            SECONDS_PER_YEAR * self.returns as f64 / span
        } else {
            0.0
        };
        let annualised_return = if span_seconds > 0 {
            compound_yearly(growth, SECONDS_PER_YEAR / span)
        } else {
            0.0
        };
        let scale = periods_per_year.sqrt();
        let deviation = if self.returns > 1 {
            (self.squared_deviations / (self.returns - 1) as f64)
                .max(0.0)
                .sqrt()
        } else {
            0.0
        };
        let downside = if self.returns > 0 {
            (self.downside_sum_of_squares / self.returns as f64).sqrt()
        } else {
            0.0
        };
        let ratio = |spread: f64| {
            if spread > 0.0 {
                saturate(self.mean / spread * scale)
            } else {
                0.0
            }
        };
        let calmar =
            (self.max_drawdown > 0.0).then(|| saturate(annualised_return / self.max_drawdown));
        Metrics {
            total_return: growth - 1.0,
            buy_and_hold_return,
            annualised_return,
            volatility: deviation * scale,
            sharpe: ratio(deviation),
            sortino: ratio(downside),
            calmar,
            max_drawdown: self.max_drawdown,
            max_drawdown_duration: self.max_drawdown_duration,
            average_drawdown: self.mean_drawdown,
            win_rate: trades.win_rate,
            trades: trades.trades,
            exposure: if self.bars > 0 {
                self.bars_in_market as f64 / self.bars as f64
            } else {
                0.0
            },
            best_trade: trades.best,
            worst_trade: trades.worst,
            average_trade: trades.geometric_mean,
            max_trade_duration: trades.max_duration,
            average_trade_duration: trades.average_duration,
            profit_factor: trades.profit_factor,
            expectancy: trades.arithmetic_mean,
        }
    }
}

/// `growth` compounded `times` over, minus one: the yearly rate of a run that grew by
/// `growth` over `1 / times` years. A gain over seconds compounds past any number; it
/// saturates at the largest finite one, which still ranks above every other run.
fn compound_yearly(growth: f64, times: f64) -> f64 {
    if growth <= 0.0 {
        // Everything was lost: no time span makes that better or worse.
        return -1.0;
    }
    saturate(growth.powf(times) - 1.0)
}

/// An infinity as the largest finite number of its sign. NaN stays NaN: only broken
/// input makes one, and the runner refuses a result that has it.
const fn saturate(value: f64) -> f64 {
    value.clamp(-f64::MAX, f64::MAX)
}

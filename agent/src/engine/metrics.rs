//! What a backtest is judged by.

pub use edge_protocol::backtest::Metrics;

const SECONDS_PER_YEAR: f64 = 365.25 * 24.0 * 60.0 * 60.0;

/// Running sums over the equity series; updated once per bar, without allocating.
#[derive(Debug)]
pub(super) struct Accumulator {
    previous_equity: f64,
    returns: u64,
    sum: f64,
    sum_of_squares: f64,
    downside_sum_of_squares: f64,
    peak: f64,
    max_drawdown: f64,
    bars: u64,
    bars_in_market: u64,
    pub(super) trades: u32,
    pub(super) wins: u32,
}

impl Accumulator {
    pub(super) const fn new(starting_equity: f64) -> Self {
        Self {
            previous_equity: starting_equity,
            returns: 0,
            sum: 0.0,
            sum_of_squares: 0.0,
            downside_sum_of_squares: 0.0,
            peak: starting_equity,
            max_drawdown: 0.0,
            bars: 0,
            bars_in_market: 0,
            trades: 0,
            wins: 0,
        }
    }

    #[inline]
    pub(super) fn bar(&mut self, equity: f64, in_market: bool) {
        if self.bars > 0 {
            let change = equity / self.previous_equity - 1.0;
            self.returns += 1;
            self.sum += change;
            self.sum_of_squares += change * change;
            if change < 0.0 {
                self.downside_sum_of_squares += change * change;
            }
        }
        self.previous_equity = equity;
        self.bars += 1;
        self.bars_in_market += u64::from(in_market);
        if equity > self.peak {
            self.peak = equity;
        }
        let drawdown = 1.0 - equity / self.peak;
        if drawdown > self.max_drawdown {
            self.max_drawdown = drawdown;
        }
    }

    /// The metrics, given the final equity and the time the candles span.
    #[allow(clippy::cast_precision_loss)]
    pub(super) fn finish(&self, starting_equity: f64, span_seconds: i64) -> Metrics {
        let final_equity = self.previous_equity;
        let total_return = final_equity / starting_equity - 1.0;
        let periods_per_year = if self.returns > 0 && span_seconds > 0 {
            SECONDS_PER_YEAR / (span_seconds as f64 / self.returns as f64)
        } else {
            0.0
        };
        let annualised_return = if self.returns > 0 && final_equity > 0.0 && periods_per_year > 0.0
        {
            (final_equity / starting_equity).powf(periods_per_year / self.returns as f64) - 1.0
        } else {
            0.0
        };
        let (sharpe, sortino) = if self.returns > 1 {
            let count = self.returns as f64;
            let mean = self.sum / count;
            let variance = ((self.sum_of_squares - count * mean * mean) / (count - 1.0)).max(0.0);
            let downside = (self.downside_sum_of_squares / count).sqrt();
            let scale = periods_per_year.sqrt();
            let ratio = |spread: f64| {
                if spread > 0.0 {
                    mean / spread * scale
                } else {
                    0.0
                }
            };
            (ratio(variance.sqrt()), ratio(downside))
        } else {
            (0.0, 0.0)
        };
        Metrics {
            total_return,
            annualised_return,
            sharpe,
            sortino,
            max_drawdown: self.max_drawdown,
            win_rate: if self.trades > 0 {
                f64::from(self.wins) / f64::from(self.trades)
            } else {
                0.0
            },
            trades: self.trades,
            exposure: if self.bars > 0 {
                self.bars_in_market as f64 / self.bars as f64
            } else {
                0.0
            },
            ..Metrics::default()
        }
    }
}

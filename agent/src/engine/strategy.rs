//! The built-in strategies, their typed parameters, and the streaming signals behind them.

use edge_protocol::strategy::StrategyConfig;

use super::Candle;

/// How a config turns into running state.
pub(super) fn signals(config: &StrategyConfig) -> Signals {
    match *config {
        StrategyConfig::SmaCrossover { fast, slow } => Signals::Sma(SmaCrossover {
            fast,
            slow,
            fast_sum: 0.0,
            slow_sum: 0.0,
        }),
        StrategyConfig::RsiMeanReversion {
            period,
            oversold,
            overbought,
        } => Signals::Rsi(RsiMeanReversion {
            period,
            oversold,
            overbought,
            average_gain: 0.0,
            average_loss: 0.0,
        }),
        StrategyConfig::BollingerBreakout { period, width } => {
            Signals::Bollinger(BollingerBreakout {
                period,
                width,
                sum: 0.0,
                sum_of_squares: 0.0,
            })
        }
    }
}

/// A strategy's running state.
pub(super) enum Signals {
    Sma(SmaCrossover),
    Rsi(RsiMeanReversion),
    Bollinger(BollingerBreakout),
}

impl Signals {
    /// Whether the strategy wants to hold after seeing bar `index` (and every bar before it).
    #[inline]
    pub(super) fn wants_long(&mut self, candles: &[Candle], index: usize, holding: bool) -> bool {
        match self {
            Self::Sma(state) => state.next(candles, index),
            Self::Rsi(state) => state.next(candles, index, holding),
            Self::Bollinger(state) => state.next(candles, index, holding),
        }
    }
}

pub(super) struct SmaCrossover {
    fast: usize,
    slow: usize,
    fast_sum: f64,
    slow_sum: f64,
}

impl SmaCrossover {
    #[inline]
    fn next(&mut self, candles: &[Candle], index: usize) -> bool {
        let close = candles[index].close;
        self.fast_sum += close;
        self.slow_sum += close;
        if index >= self.fast {
            self.fast_sum -= candles[index - self.fast].close;
        }
        if index >= self.slow {
            self.slow_sum -= candles[index - self.slow].close;
        }
        if index + 1 < self.slow {
            return false;
        }
        #[allow(clippy::cast_precision_loss)]
        let (fast, slow) = (
            self.fast_sum / self.fast as f64,
            self.slow_sum / self.slow as f64,
        );
        fast > slow
    }
}

pub(super) struct RsiMeanReversion {
    period: usize,
    oversold: f64,
    overbought: f64,
    average_gain: f64,
    average_loss: f64,
}

impl RsiMeanReversion {
    #[inline]
    fn next(&mut self, candles: &[Candle], index: usize, holding: bool) -> bool {
        if index == 0 {
            return holding;
        }
        let change = candles[index].close - candles[index - 1].close;
        let (gain, loss) = (change.max(0.0), (-change).max(0.0));
        #[allow(clippy::cast_precision_loss)]
        let period = self.period as f64;
        if index <= self.period {
            // The first averages are plain means of the first `period` changes.
            self.average_gain += gain / period;
            self.average_loss += loss / period;
            if index < self.period {
                return holding;
            }
        } else {
            // Wilder's smoothing.
            self.average_gain = (self.average_gain * (period - 1.0) + gain) / period;
            self.average_loss = (self.average_loss * (period - 1.0) + loss) / period;
        }
        let rsi = if self.average_loss == 0.0 {
            if self.average_gain == 0.0 {
                50.0
            } else {
                100.0
            }
        } else {
            100.0 - 100.0 / (1.0 + self.average_gain / self.average_loss)
        };
        if holding {
            rsi <= self.overbought
        } else {
            rsi < self.oversold
        }
    }
}

pub(super) struct BollingerBreakout {
    period: usize,
    width: f64,
    sum: f64,
    sum_of_squares: f64,
}

impl BollingerBreakout {
    #[inline]
    fn next(&mut self, candles: &[Candle], index: usize, holding: bool) -> bool {
        let close = candles[index].close;
        self.sum += close;
        self.sum_of_squares += close * close;
        if index >= self.period {
            let leaving = candles[index - self.period].close;
            self.sum -= leaving;
            self.sum_of_squares -= leaving * leaving;
        }
        if index + 1 < self.period {
            return holding;
        }
        #[allow(clippy::cast_precision_loss)]
        let period = self.period as f64;
        let mean = self.sum / period;
        // Rounding can take a flat window's variance a hair below zero.
        let deviation = (self.sum_of_squares / period - mean * mean).max(0.0).sqrt();
        if holding {
            close >= mean
        } else {
            deviation > 0.0 && close > mean + self.width * deviation
        }
    }
}

//! The built-in strategies, their typed parameters, and the streaming signals behind them.

use serde::{Deserialize, Serialize};

use super::Candle;

/// One strategy with one set of parameters: a single config of a parameter sweep.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "strategy", rename_all = "snake_case")]
pub enum StrategyConfig {
    /// In the market while the fast simple moving average of closes is above the slow one.
    SmaCrossover { fast: usize, slow: usize },
    /// Buys when the RSI (Wilder) falls below `oversold`, sells when it rises above `overbought`.
    RsiMeanReversion {
        period: usize,
        oversold: f64,
        overbought: f64,
    },
    /// Buys when the close breaks above the upper Bollinger band (`width` standard
    /// deviations over the mean of `period` closes), sells when it falls below the mean.
    BollingerBreakout { period: usize, width: f64 },
}

/// Why a config cannot run; names the parameter.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{parameter}: {problem}")]
pub struct ConfigError {
    pub parameter: &'static str,
    pub problem: &'static str,
}

const fn invalid(parameter: &'static str, problem: &'static str) -> ConfigError {
    ConfigError { parameter, problem }
}

impl StrategyConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        match *self {
            Self::SmaCrossover { fast, slow } => {
                if fast == 0 {
                    return Err(invalid("fast", "must be at least 1"));
                }
                if slow <= fast {
                    return Err(invalid("slow", "must be longer than fast"));
                }
            }
            Self::RsiMeanReversion {
                period,
                oversold,
                overbought,
            } => {
                if period < 2 {
                    return Err(invalid("period", "must be at least 2"));
                }
                if !(0.0..100.0).contains(&oversold) {
                    return Err(invalid("oversold", "must be between 0 and 100"));
                }
                if !(oversold < overbought && overbought <= 100.0) {
                    return Err(invalid("overbought", "must be above oversold, at most 100"));
                }
            }
            Self::BollingerBreakout { period, width } => {
                if period < 2 {
                    return Err(invalid("period", "must be at least 2"));
                }
                if !(width > 0.0 && width.is_finite()) {
                    return Err(invalid("width", "must be a positive number"));
                }
            }
        }
        Ok(())
    }

    pub(super) fn signals(&self) -> Signals {
        match *self {
            Self::SmaCrossover { fast, slow } => Signals::Sma(SmaCrossover {
                fast,
                slow,
                fast_sum: 0.0,
                slow_sum: 0.0,
            }),
            Self::RsiMeanReversion {
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
            Self::BollingerBreakout { period, width } => Signals::Bollinger(BollingerBreakout {
                period,
                width,
                sum: 0.0,
                sum_of_squares: 0.0,
            }),
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

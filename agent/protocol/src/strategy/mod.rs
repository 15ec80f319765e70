//! The built-in strategies: their names, typed parameters, parameter schemas and grids.

mod catalog;
mod grid;

pub use catalog::{ParameterKind, ParameterSpec, StrategyName};
pub use grid::{Grid, GridError, MAX_CONFIGS, ParameterRange};

use serde::{Deserialize, Serialize};

/// One strategy with one set of parameters: a single config of a parameter sweep.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// The longest indicator window a config may ask for.
pub const MAX_PERIOD: usize = 100_000;

impl StrategyConfig {
    /// The strategy this config belongs to.
    pub const fn name(&self) -> StrategyName {
        match self {
            Self::SmaCrossover { .. } => StrategyName::SmaCrossover,
            Self::RsiMeanReversion { .. } => StrategyName::RsiMeanReversion,
            Self::BollingerBreakout { .. } => StrategyName::BollingerBreakout,
        }
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        match *self {
            Self::SmaCrossover { fast, slow } => {
                if fast == 0 {
                    return Err(invalid("fast", "must be at least 1"));
                }
                if slow <= fast {
                    return Err(invalid("slow", "must be longer than fast"));
                }
                if slow > MAX_PERIOD {
                    return Err(invalid("slow", "must be at most 100000"));
                }
            }
            Self::RsiMeanReversion {
                period,
                oversold,
                overbought,
            } => {
                if !(2..=MAX_PERIOD).contains(&period) {
                    return Err(invalid("period", "must be between 2 and 100000"));
                }
                if !(0.0..100.0).contains(&oversold) {
                    return Err(invalid("oversold", "must be between 0 and 100"));
                }
                if !(oversold < overbought && overbought <= 100.0) {
                    return Err(invalid("overbought", "must be above oversold, at most 100"));
                }
            }
            Self::BollingerBreakout { period, width } => {
                if !(2..=MAX_PERIOD).contains(&period) {
                    return Err(invalid("period", "must be between 2 and 100000"));
                }
                if !(width > 0.0 && width.is_finite() && width <= 100.0) {
                    return Err(invalid("width", "must be a positive number, at most 100"));
                }
            }
        }
        Ok(())
    }
}

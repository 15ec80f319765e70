//! Strategy names and the schema of each strategy's parameters.

use serde::{Deserialize, Serialize};

use super::StrategyConfig;

/// A built-in strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StrategyName {
    SmaCrossover,
    RsiMeanReversion,
    BollingerBreakout,
}

/// Whether a parameter takes whole numbers or any number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParameterKind {
    Integer,
    Number,
}

/// One parameter of a strategy, as a form or a grid needs it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ParameterSpec {
    pub name: &'static str,
    pub kind: ParameterKind,
    pub description: &'static str,
    /// The value used when a grid leaves the parameter out.
    pub default: f64,
    pub min: f64,
    pub max: f64,
}

const fn integer(
    name: &'static str,
    description: &'static str,
    default: f64,
    min: f64,
) -> ParameterSpec {
    ParameterSpec {
        name,
        kind: ParameterKind::Integer,
        description,
        default,
        min,
        max: 100_000.0,
    }
}

const fn number(
    name: &'static str,
    description: &'static str,
    default: f64,
    min: f64,
    max: f64,
) -> ParameterSpec {
    ParameterSpec {
        name,
        kind: ParameterKind::Number,
        description,
        default,
        min,
        max,
    }
}

const SMA: [ParameterSpec; 2] = [
    integer("fast", "Bars in the fast moving average", 10.0, 1.0),
    integer("slow", "Bars in the slow moving average", 30.0, 2.0),
];
const RSI: [ParameterSpec; 3] = [
    integer("period", "Bars in the RSI (Wilder smoothing)", 14.0, 2.0),
    number(
        "oversold",
        "Buy when the RSI falls below this",
        30.0,
        0.0,
        100.0,
    ),
    number(
        "overbought",
        "Sell when the RSI rises above this",
        70.0,
        0.0,
        100.0,
    ),
];
const BOLLINGER: [ParameterSpec; 2] = [
    integer("period", "Bars in the moving mean and deviation", 20.0, 2.0),
    number(
        "width",
        "Band width in standard deviations",
        2.0,
        0.1,
        100.0,
    ),
];

impl StrategyName {
    pub const ALL: [Self; 3] = [
        Self::SmaCrossover,
        Self::RsiMeanReversion,
        Self::BollingerBreakout,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SmaCrossover => "sma_crossover",
            Self::RsiMeanReversion => "rsi_mean_reversion",
            Self::BollingerBreakout => "bollinger_breakout",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::SmaCrossover => "SMA crossover",
            Self::RsiMeanReversion => "RSI mean reversion",
            Self::BollingerBreakout => "Bollinger breakout",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|name| name.as_str() == text)
    }

    /// The strategy's parameters, in the order grids expand them.
    pub const fn parameters(self) -> &'static [ParameterSpec] {
        match self {
            Self::SmaCrossover => &SMA,
            Self::RsiMeanReversion => &RSI,
            Self::BollingerBreakout => &BOLLINGER,
        }
    }

    /// A config from values in [`Self::parameters`] order. Integer parameters must hold
    /// whole numbers; the grid guarantees it.
    pub(super) fn config(self, values: &[f64]) -> StrategyConfig {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "integer parameters are whole, non-negative and bounded by their spec"
        )]
        let whole = |value: f64| value as usize;
        let value = |index: usize| values.get(index).copied().unwrap_or_default();
        match self {
            Self::SmaCrossover => StrategyConfig::SmaCrossover {
                fast: whole(value(0)),
                slow: whole(value(1)),
            },
            Self::RsiMeanReversion => StrategyConfig::RsiMeanReversion {
                period: whole(value(0)),
                oversold: value(1),
                overbought: value(2),
            },
            Self::BollingerBreakout => StrategyConfig::BollingerBreakout {
                period: whole(value(0)),
                width: value(1),
            },
        }
    }
}

impl std::fmt::Display for StrategyName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

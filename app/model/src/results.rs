//! A task's results as its owner reads them back: one ranked page of configs, one
//! config in full (equity curve and trades), and the metrics they can be ranked by.

use serde::{Deserialize, Serialize};

pub use edge_protocol::backtest::{CurvePoint, Metrics, Trade};
pub use edge_protocol::strategy::StrategyConfig;

/// How a metric's value reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricKind {
    /// A fraction shown as a percentage.
    Percent,
    /// A plain ratio (Sharpe, profit factor).
    Ratio,
    /// A whole number.
    Count,
    /// A span of seconds.
    Duration,
}

/// A metric results can be ranked by. Its name is the `Metrics` field and the column of
/// `task_results` that holds it, so a sort never puts caller text into SQL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResultMetric {
    #[default]
    TotalReturn,
    AnnualisedReturn,
    Volatility,
    Sharpe,
    Sortino,
    Calmar,
    MaxDrawdown,
    MaxDrawdownDuration,
    AverageDrawdown,
    Trades,
    WinRate,
    Exposure,
    BestTrade,
    WorstTrade,
    AverageTrade,
    MaxTradeDuration,
    AverageTradeDuration,
    ProfitFactor,
    Expectancy,
}

impl ResultMetric {
    pub const ALL: [Self; 19] = [
        Self::TotalReturn,
        Self::AnnualisedReturn,
        Self::Volatility,
        Self::Sharpe,
        Self::Sortino,
        Self::Calmar,
        Self::MaxDrawdown,
        Self::MaxDrawdownDuration,
        Self::AverageDrawdown,
        Self::Trades,
        Self::WinRate,
        Self::Exposure,
        Self::BestTrade,
        Self::WorstTrade,
        Self::AverageTrade,
        Self::MaxTradeDuration,
        Self::AverageTradeDuration,
        Self::ProfitFactor,
        Self::Expectancy,
    ];

    /// The `Metrics` field, the column and the URL value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TotalReturn => "total_return",
            Self::AnnualisedReturn => "annualised_return",
            Self::Volatility => "volatility",
            Self::Sharpe => "sharpe",
            Self::Sortino => "sortino",
            Self::Calmar => "calmar",
            Self::MaxDrawdown => "max_drawdown",
            Self::MaxDrawdownDuration => "max_drawdown_duration",
            Self::AverageDrawdown => "average_drawdown",
            Self::Trades => "trades",
            Self::WinRate => "win_rate",
            Self::Exposure => "exposure",
            Self::BestTrade => "best_trade",
            Self::WorstTrade => "worst_trade",
            Self::AverageTrade => "average_trade",
            Self::MaxTradeDuration => "max_trade_duration",
            Self::AverageTradeDuration => "average_trade_duration",
            Self::ProfitFactor => "profit_factor",
            Self::Expectancy => "expectancy",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|metric| metric.as_str() == name)
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::TotalReturn => "Return",
            Self::AnnualisedReturn => "CAGR",
            Self::Volatility => "Volatility",
            Self::Sharpe => "Sharpe",
            Self::Sortino => "Sortino",
            Self::Calmar => "Calmar",
            Self::MaxDrawdown => "Max drawdown",
            Self::MaxDrawdownDuration => "Max drawdown duration",
            Self::AverageDrawdown => "Average drawdown",
            Self::Trades => "Trades",
            Self::WinRate => "Win rate",
            Self::Exposure => "Exposure",
            Self::BestTrade => "Best trade",
            Self::WorstTrade => "Worst trade",
            Self::AverageTrade => "Average trade",
            Self::MaxTradeDuration => "Longest trade",
            Self::AverageTradeDuration => "Average trade duration",
            Self::ProfitFactor => "Profit factor",
            Self::Expectancy => "Expectancy",
        }
    }

    pub const fn kind(self) -> MetricKind {
        match self {
            Self::Sharpe | Self::Sortino | Self::Calmar | Self::ProfitFactor => MetricKind::Ratio,
            Self::Trades => MetricKind::Count,
            Self::MaxDrawdownDuration | Self::MaxTradeDuration | Self::AverageTradeDuration => {
                MetricKind::Duration
            }
            _ => MetricKind::Percent,
        }
    }

    /// Whether a larger value is the better one: the direction a first click sorts in.
    pub const fn higher_is_better(self) -> bool {
        !matches!(
            self,
            Self::Volatility
                | Self::MaxDrawdown
                | Self::MaxDrawdownDuration
                | Self::AverageDrawdown
                | Self::AverageTradeDuration
                | Self::MaxTradeDuration
        )
    }

    /// The metric's value in a run; `None` where the run has none (no trades, no loss).
    #[allow(clippy::cast_precision_loss)]
    pub fn value(self, metrics: &Metrics) -> Option<f64> {
        let seconds = |value: Option<i64>| value.map(|value| value as f64);
        match self {
            Self::TotalReturn => Some(metrics.total_return),
            Self::AnnualisedReturn => Some(metrics.annualised_return),
            Self::Volatility => Some(metrics.volatility),
            Self::Sharpe => Some(metrics.sharpe),
            Self::Sortino => Some(metrics.sortino),
            Self::Calmar => metrics.calmar,
            Self::MaxDrawdown => Some(metrics.max_drawdown),
            Self::MaxDrawdownDuration => Some(metrics.max_drawdown_duration as f64),
            Self::AverageDrawdown => Some(metrics.average_drawdown),
            Self::Trades => Some(f64::from(metrics.trades)),
            Self::WinRate => Some(metrics.win_rate),
            Self::Exposure => Some(metrics.exposure),
            Self::BestTrade => metrics.best_trade,
            Self::WorstTrade => metrics.worst_trade,
            Self::AverageTrade => metrics.average_trade,
            Self::MaxTradeDuration => seconds(metrics.max_trade_duration),
            Self::AverageTradeDuration => seconds(metrics.average_trade_duration),
            Self::ProfitFactor => metrics.profit_factor,
            Self::Expectancy => metrics.expectancy,
        }
    }

    /// The value as people read it: `12.34 %`, `1.52`, `37`, `3 d 4 h`; `—` when empty.
    pub fn format(self, metrics: &Metrics) -> String {
        self.value(metrics)
            .map_or_else(|| "—".to_owned(), |value| format_value(self.kind(), value))
    }
}

/// A value of a kind as people read it.
#[allow(clippy::cast_possible_truncation)]
pub fn format_value(kind: MetricKind, value: f64) -> String {
    match kind {
        MetricKind::Percent => format!("{:.2} %", value * 100.0),
        MetricKind::Ratio => format!("{value:.2}"),
        MetricKind::Count => format!("{value:.0}"),
        MetricKind::Duration => format_duration(value.round() as i64),
    }
}

/// A span of seconds in its two largest units: `3 d 4 h`, `5 h 12 min`, `42 s`.
pub fn format_duration(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (days, hours, minutes) = (seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60);
    if days > 0 {
        format!("{days} d {hours} h")
    } else if hours > 0 {
        format!("{hours} h {minutes} min")
    } else if minutes > 0 {
        format!("{minutes} min {} s", seconds % 60)
    } else {
        format!("{seconds} s")
    }
}

/// A config's parameters by name, in the strategy's order.
#[allow(clippy::cast_precision_loss)]
pub fn parameters(config: &StrategyConfig) -> Vec<(&'static str, f64)> {
    match *config {
        StrategyConfig::SmaCrossover { fast, slow } => {
            vec![("fast", fast as f64), ("slow", slow as f64)]
        }
        StrategyConfig::RsiMeanReversion {
            period,
            oversold,
            overbought,
        } => vec![
            ("period", period as f64),
            ("oversold", oversold),
            ("overbought", overbought),
        ],
        StrategyConfig::BollingerBreakout { period, width } => {
            vec![("period", period as f64), ("width", width)]
        }
    }
}

/// A config's parameters in one line: `fast=5 slow=20`.
pub fn describe(config: &StrategyConfig) -> String {
    parameters(config)
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The most configs one page of results holds.
pub const MAX_RESULTS_PER_PAGE: u32 = 100;

/// Which results to show and in which order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultQuery {
    pub sort: ResultMetric,
    pub descending: bool,
    /// Leave out configs with fewer round trips.
    pub min_trades: u32,
    /// From 0.
    pub page: u32,
    pub per_page: u32,
}

impl Default for ResultQuery {
    fn default() -> Self {
        Self {
            sort: ResultMetric::default(),
            descending: true,
            min_trades: 0,
            page: 0,
            per_page: 25,
        }
    }
}

/// One config's line in the ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    pub config_id: u32,
    /// Its parameters; `None` only if the task's configs could not be read.
    pub config: Option<StrategyConfig>,
    pub metrics: Metrics,
    pub trades_truncated: bool,
}

/// One page of a task's ranked results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultPage {
    pub query: ResultQuery,
    /// Results that pass the filter, on every page.
    pub matching: u64,
    /// Results stored for the task, filtered or not.
    pub stored: u64,
    pub rows: Vec<ResultRow>,
}

/// One config's result in full.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultDetail {
    pub config_id: u32,
    pub config: Option<StrategyConfig>,
    pub metrics: Metrics,
    pub equity_curve: Vec<CurvePoint>,
    pub trades: Vec<Trade>,
    pub trades_truncated: bool,
}

/// The most configs a results page compares side by side.
pub const MAX_COMPARED: usize = 4;

/// Everything a backtest's results page shows, read in one request: the ranked page, the
/// configs compared in full (those asked for, or the page's best when none is), and the
/// ranked metric over the whole grid for the heatmap.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultReport {
    /// The configs the task's grid holds.
    pub configs_total: i64,
    /// Whether the task has ended, so no more results will come.
    pub finished: bool,
    pub page: ResultPage,
    pub compared: Vec<ResultDetail>,
    /// The ranked metric over the parameter grid, when two parameters vary.
    pub heatmap: Option<crate::heatmap::MetricHeatmap>,
    /// Holding the dataset from the first open, as equity from 1.0 like the curves: the
    /// line a strategy has to beat. Empty for a dataset stored without a price outline.
    #[serde(default)]
    pub buy_and_hold: Vec<CurvePoint>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_round_trips_through_its_name() {
        for metric in ResultMetric::ALL {
            assert_eq!(ResultMetric::parse(metric.as_str()), Some(metric));
        }
        assert_eq!(ResultMetric::parse("total_return; DROP TABLE users"), None);
    }

    #[test]
    fn metric_names_are_the_protocol_field_names() {
        let encoded = serde_json::to_value(Metrics::default()).expect("encodes");
        let fields = encoded.as_object().expect("an object");
        for metric in ResultMetric::ALL {
            assert!(fields.contains_key(metric.as_str()), "{}", metric.as_str());
        }
    }

    #[test]
    fn values_read_as_people_write_them() {
        let metrics = Metrics {
            total_return: 0.1234,
            sharpe: 1.5,
            trades: 37,
            max_trade_duration: Some(3 * 86_400 + 4 * 3_600 + 59),
            ..Metrics::default()
        };
        assert_eq!(ResultMetric::TotalReturn.format(&metrics), "12.34 %");
        assert_eq!(ResultMetric::Sharpe.format(&metrics), "1.50");
        assert_eq!(ResultMetric::Trades.format(&metrics), "37");
        assert_eq!(ResultMetric::MaxTradeDuration.format(&metrics), "3 d 4 h");
        assert_eq!(ResultMetric::ProfitFactor.format(&metrics), "—");
        assert_eq!(format_duration(42), "42 s");
        assert_eq!(format_duration(3_725), "1 h 2 min");
        let config = StrategyConfig::BollingerBreakout {
            period: 20,
            width: 2.5,
        };
        assert_eq!(describe(&config), "period=20 width=2.5");
    }
}

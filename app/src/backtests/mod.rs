//! Backtests on the beta host: the list (`/backtests`), a new one (`/backtests/new`) and
//! one backtest with its ranked results, charts, heatmap and trades (`/backtests/:id`,
//! shared with the admin host).
//! A backtest is a fleet task; the server functions are the fleet's.

mod compare;
mod detail;
mod list;
mod new;
mod results;

pub(crate) use detail::Backtest;
pub use detail::BacktestPage;
pub use list::BacktestsPage;
pub use new::NewBacktestPage;

use edge_protocol::strategy::StrategyName;

/// A strategy's name as people read it (`SMA crossover`), or the stored name.
pub fn strategy_label(name: &str) -> String {
    StrategyName::parse(name)
        .map_or_else(|| name.to_owned(), |strategy| strategy.label().to_owned())
}

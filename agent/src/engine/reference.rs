//! The engine against backtesting.py on the same data: `agent/reference/reference.py` runs
//! backtesting.py's own backtest of the SMA crossover (with the engine's rules) over
//! `goog.csv` and writes what it reports to `sma_crossover_reference.json`; this test runs
//! the engine on the same file and compares, figure by figure.
//!
//! Where both define a figure the same way they must agree to 1e-9 (backtesting.py buys
//! whole units, so its starting cash leaves up to ~1e-12 of the equity uninvested). Where
//! a definition differs, the engine's figure is turned into backtesting.py's, as each
//! comparison says, so every reported figure is checked.

use std::path::PathBuf;

use edge_protocol::dataset::{DatasetLimits, parse_csv};
use serde_json::Value;

use super::metrics::SECONDS_PER_YEAR;
use super::{Candle, Costs, StrategyConfig, run};

/// backtesting.py's year for daily bars without weekends: 252 trading days.
const TRADING_DAYS: f64 = 252.0;
const DAY: i64 = 86_400;
const TOLERANCE: f64 = 1e-9;

fn reference_file(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("reference")
        .join(name)
}

fn goog() -> Vec<Candle> {
    let bytes = std::fs::read(reference_file("goog.csv")).expect("agent/reference/goog.csv");
    parse_csv(&bytes, DatasetLimits::default()).expect("goog.csv is a dataset")
}

/// A number of the JSON; `null` (a figure backtesting.py leaves undefined) is `None`.
fn number(value: &Value, key: &str) -> Option<f64> {
    match &value[key] {
        Value::Null => None,
        other => Some(
            other
                .as_f64()
                .unwrap_or_else(|| panic!("{key} is a number")),
        ),
    }
}

fn figure(stats: &Value, key: &str) -> f64 {
    number(stats, key).unwrap_or_else(|| panic!("backtesting.py reports {key}"))
}

fn percent(stats: &Value, key: &str) -> f64 {
    figure(stats, key) / 100.0
}

#[allow(clippy::cast_possible_truncation)]
fn seconds(stats: &Value, key: &str) -> i64 {
    figure(stats, key) as i64
}

/// Relative agreement, with a floor for figures near zero (a trade that about broke even).
#[track_caller]
fn agrees(what: &str, ours: f64, theirs: f64) {
    let scale = ours.abs().max(theirs.abs()).max(1e-3);
    assert!(
        (ours - theirs).abs() <= TOLERANCE * scale,
        "{what}: the engine has {ours}, backtesting.py {theirs} (off by {:e})",
        (ours - theirs).abs() / scale
    );
}

/// A duration as backtesting.py rounds it for daily bars: up to a whole day.
const fn ceil_to_day(seconds: i64) -> i64 {
    (seconds + DAY - 1) / DAY * DAY
}

#[test]
#[allow(clippy::cast_precision_loss)]
fn the_sma_crossover_agrees_with_backtesting_py_on_goog() {
    let text = std::fs::read_to_string(reference_file("sma_crossover_reference.json"))
        .expect("agent/reference/sma_crossover_reference.json");
    let reference: Value = serde_json::from_str(&text).expect("the reference is JSON");
    let candles = goog();
    assert_eq!(
        Some(candles.len() as f64),
        number(&reference, "bars"),
        "the JSON was made from this goog.csv"
    );
    let (first, last) = (candles[0], candles[candles.len() - 1]);
    let span = last.time - first.time;
    let runs = reference["runs"].as_array().expect("runs");
    assert!(runs.len() >= 2);
    for entry in runs {
        let fast = number(entry, "fast").expect("fast") as usize;
        let slow = number(entry, "slow").expect("slow") as usize;
        let fee = number(entry, "commission").expect("commission");
        let label = format!("{fast}/{slow}, fee {fee}");
        let config = StrategyConfig::SmaCrossover { fast, slow };
        let costs = Costs { fee, slippage: 0.0 };
        let report = run(&candles, &config, costs, 200).expect("valid config");
        let ours = report.metrics;
        let stats = &entry["stats"];
        let theirs = entry["trades"].as_array().expect("trades");

        // The round trips, one by one. backtesting.py's prices are before its commission
        // and ours include the fee; its trade return subtracts both commissions as
        // fractions of the entry value, `x/e − 1 − c − c·x/e`, where ours is the value
        // ratio `x(1 − c) / (e(1 + c)) − 1`: the same trade's returns differ by the factor
        // `1 + c` exactly.
        assert_eq!(report.trades.len(), theirs.len(), "{label}: trades");
        assert!(!report.trades_truncated);
        assert_eq!(f64::from(ours.trades), figure(stats, "# Trades"));
        let scale = 1.0 + fee;
        for (index, (trade, reference)) in report.trades.iter().zip(theirs).enumerate() {
            let what = format!("{label}, trade {index}");
            assert_eq!(
                Some(trade.entry_time as f64),
                number(reference, "entry_time"),
                "{what}"
            );
            assert_eq!(
                Some(trade.exit_time as f64),
                number(reference, "exit_time"),
                "{what}"
            );
            let entry_price = number(reference, "entry_price").expect("entry_price");
            let exit_price = number(reference, "exit_price").expect("exit_price");
            let their_return = number(reference, "return_pct").expect("return_pct");
            agrees(&what, trade.entry_price, entry_price * (1.0 + fee));
            agrees(&what, trade.exit_price, exit_price * (1.0 - fee));
            agrees(&what, trade.trade_return * scale, their_return);
        }

        agrees(
            &format!("{label}: total return"),
            ours.total_return,
            percent(stats, "Return [%]"),
        );
        agrees(
            &format!("{label}: CAGR"),
            ours.annualised_return,
            percent(stats, "CAGR [%]"),
        );
        // Holding from the first open here; from the first close there (its first trading
        // bar, this strategy having no warm-up indicator).
        agrees(
            &format!("{label}: buy and hold"),
            (1.0 + ours.buy_and_hold_return) * first.open / first.close - 1.0,
            percent(stats, "Buy & Hold Return [%]"),
        );
        agrees(
            &format!("{label}: max drawdown"),
            ours.max_drawdown,
            -percent(stats, "Max. Drawdown [%]"),
        );
        agrees(
            &format!("{label}: average drawdown"),
            ours.average_drawdown,
            -percent(stats, "Avg. Drawdown [%]"),
        );
        assert_eq!(
            ours.max_drawdown_duration,
            seconds(stats, "Max. Drawdown Duration"),
            "{label}: max drawdown duration"
        );
        agrees(
            &format!("{label}: win rate"),
            ours.win_rate,
            percent(stats, "Win Rate [%]"),
        );
        agrees(
            &format!("{label}: best trade"),
            ours.best_trade.expect("trades") * scale,
            percent(stats, "Best Trade [%]"),
        );
        agrees(
            &format!("{label}: worst trade"),
            ours.worst_trade.expect("trades") * scale,
            percent(stats, "Worst Trade [%]"),
        );
        agrees(
            &format!("{label}: expectancy"),
            ours.expectancy.expect("trades") * scale,
            percent(stats, "Expectancy [%]"),
        );
        // Gains over losses: the factor `1 + c` cancels.
        agrees(
            &format!("{label}: profit factor"),
            ours.profit_factor.expect("a losing trade"),
            figure(stats, "Profit Factor"),
        );
        // Both are geometric means of the trade returns, which differ by the factor
        // `1 + c`; a geometric mean does not carry a factor through, so backtesting.py's
        // figure is recomputed from its own trade returns scaled as ours, after checking
        // that it is the geometric mean of exactly those returns.
        let geometric = |scale: f64| {
            let logs: f64 = theirs
                .iter()
                .map(|trade| (number(trade, "return_pct").expect("return_pct") / scale).ln_1p())
                .sum();
            (logs / theirs.len() as f64).exp_m1()
        };
        agrees(
            &format!("{label}: backtesting.py's average trade"),
            geometric(1.0),
            percent(stats, "Avg. Trade [%]"),
        );
        agrees(
            &format!("{label}: average trade"),
            ours.average_trade.expect("trades"),
            geometric(scale),
        );
        assert_eq!(
            ours.max_trade_duration,
            Some(seconds(stats, "Max. Trade Duration")),
            "{label}: longest trade"
        );
        assert_eq!(
            ours.average_trade_duration.map(ceil_to_day),
            Some(seconds(stats, "Avg. Trade Duration")),
            "{label}: average trade duration (rounded up to a day as backtesting.py does)"
        );
        // Bars ended in the market here; bars from entry to exit, both included, there:
        // theirs also has the bar each trade was sold at the open of.
        let bars = candles.len() as f64;
        let sold_at_an_open = report
            .trades
            .iter()
            .filter(|trade| trade.exit_time != last.time)
            .count() as f64;
        agrees(
            &format!("{label}: exposure"),
            ours.exposure + sold_at_an_open / bars,
            percent(stats, "Exposure Time [%]"),
        );

        // The risk figures. Here: per-bar returns, arithmetic mean μ, sample deviation σ
        // and downside deviation d, annualised by √(bars per year of the span). There:
        // the same per-bar returns (daily bars), with the geometric mean g and 252 days a
        // year: return (1 + g)^252 − 1, volatility √((σ² + (1 + g)²)^252 − (1 + g)^504),
        // Sharpe return over volatility, Sortino return over d·√252, Calmar return over
        // max drawdown. μ, σ and d come back out of our figures; g is what the total
        // return is per bar, compounded.
        let returns = bars - 1.0;
        let root_periods = (SECONDS_PER_YEAR * returns / span as f64).sqrt();
        let sigma = ours.volatility / root_periods;
        let mean = ours.sharpe * sigma / root_periods;
        let downside = mean * root_periods / ours.sortino;
        let growth = (1.0 + ours.total_return).powf(1.0 / returns);
        let yearly = growth.powf(TRADING_DAYS) - 1.0;
        let volatility = ((sigma * sigma + growth * growth).powf(TRADING_DAYS)
            - growth.powf(2.0 * TRADING_DAYS))
        .sqrt();
        agrees(
            &format!("{label}: annualised return (252 days)"),
            yearly,
            percent(stats, "Return (Ann.) [%]"),
        );
        agrees(
            &format!("{label}: volatility"),
            volatility,
            percent(stats, "Volatility (Ann.) [%]"),
        );
        agrees(
            &format!("{label}: Sharpe"),
            yearly / volatility,
            figure(stats, "Sharpe Ratio"),
        );
        agrees(
            &format!("{label}: Sortino"),
            yearly / (downside * TRADING_DAYS.sqrt()),
            figure(stats, "Sortino Ratio"),
        );
        agrees(
            &format!("{label}: Calmar"),
            yearly / ours.max_drawdown,
            figure(stats, "Calmar Ratio"),
        );
        // Ours is the CAGR over the same drawdown.
        agrees(
            &format!("{label}: our Calmar"),
            ours.calmar.expect("a drawdown"),
            ours.annualised_return / ours.max_drawdown,
        );
    }
}

//! The engine against small series worked out by hand.

use super::{Candle, Costs, StrategyConfig, run, run_all};

const DAY: i64 = 86_400;

/// Daily candles from (open, close) pairs; high and low bracket both.
fn candles(bars: &[(f64, f64)]) -> Vec<Candle> {
    bars.iter()
        .zip(0..)
        .map(|(&(open, close), day)| Candle {
            time: 1_700_000_000 + day * DAY,
            open,
            high: open.max(close),
            low: open.min(close),
            close,
            volume: 1.0,
        })
        .collect()
}

fn close_to(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 1e-12
}

/// Closes 10 10 11 12 11 10, each bar opening at the previous close.
fn up_and_down() -> Vec<Candle> {
    candles(&[
        (10.0, 10.0),
        (10.0, 10.0),
        (10.0, 11.0),
        (11.0, 12.0),
        (12.0, 11.0),
        (11.0, 10.0),
    ])
}

const SMA_1_2: StrategyConfig = StrategyConfig::SmaCrossover { fast: 1, slow: 2 };

#[test]
fn sma_crossover_trades_at_the_next_open_and_marks_to_market() {
    // Bar 2: close 11 > mean(10, 11) → buy at bar 3's open, 11. Bar 3 closes at 12
    // (equity 12/11). Bar 4: close 11 < mean(12, 11) → sell at bar 5's open, 11: back to 1.
    let report = run(&up_and_down(), &SMA_1_2, Costs::default(), 100).expect("valid");
    let metrics = report.metrics;
    assert_eq!(metrics.trades, 1);
    assert!(close_to(metrics.total_return, 0.0), "{metrics:?}");
    assert!(
        close_to(metrics.win_rate, 0.0),
        "breaking even is not a win"
    );
    assert!(close_to(metrics.exposure, 2.0 / 6.0));
    // Peak 12/11, then 1: a fall of 1/12.
    assert!(close_to(metrics.max_drawdown, 1.0 / 12.0), "{metrics:?}");
    let equity: Vec<f64> = report
        .equity_curve
        .iter()
        .map(|point| point.equity)
        .collect();
    let expected = [1.0, 1.0, 1.0, 12.0 / 11.0, 1.0, 1.0];
    assert!(
        equity.iter().zip(expected).all(|(a, b)| close_to(*a, b)),
        "{equity:?}"
    );
}

#[test]
fn fees_and_slippage_are_paid_on_both_fills() {
    let costs = Costs {
        fee: 0.001,
        slippage: 0.002,
    };
    let report = run(&up_and_down(), &SMA_1_2, costs, 100).expect("valid");
    // The fee is a fraction of the traded value: 1 buys units worth 1 / 1.001 at 11.022.
    let bought = 1.0 / (11.0 * 1.002 * 1.001);
    let sold = bought * 11.0 * 0.998 * 0.999;
    assert!(
        close_to(report.metrics.total_return, sold - 1.0),
        "{:?}",
        report.metrics
    );
    assert!(report.metrics.total_return < 0.0);
}

#[test]
fn a_winning_trade_still_open_at_the_end_counts_as_a_win() {
    let rising = candles(&[
        (10.0, 10.0),
        (10.0, 10.0),
        (10.0, 11.0),
        (11.0, 12.0),
        (12.0, 13.0),
    ]);
    let metrics = run(&rising, &SMA_1_2, Costs::default(), 100)
        .expect("valid")
        .metrics;
    assert_eq!(metrics.trades, 1);
    assert!(close_to(metrics.win_rate, 1.0));
    assert!(close_to(metrics.total_return, 13.0 / 11.0 - 1.0));
    assert!(
        metrics.sharpe > 0.0 && metrics.sortino == 0.0,
        "{metrics:?}"
    );
}

#[test]
fn rsi_buys_a_slide_and_never_a_climb() {
    let falling: Vec<(f64, f64)> = (0..12)
        .map(|i| (100.0 - f64::from(i), 100.0 - f64::from(i) - 1.0))
        .collect();
    let rising: Vec<(f64, f64)> = (0..12)
        .map(|i| (100.0 + f64::from(i), 100.0 + f64::from(i) + 1.0))
        .collect();
    let rsi = StrategyConfig::RsiMeanReversion {
        period: 3,
        oversold: 30.0,
        overbought: 70.0,
    };
    let slide = run(&candles(&falling), &rsi, Costs::default(), 100).expect("valid");
    assert_eq!(
        slide.metrics.trades, 1,
        "RSI 0 after three falls: bought once, held"
    );
    assert!(slide.metrics.total_return < 0.0);
    let climb = run(&candles(&rising), &rsi, Costs::default(), 100).expect("valid");
    assert_eq!(climb.metrics.trades, 0);
    assert!(close_to(climb.metrics.total_return, 0.0));
}

#[test]
fn bollinger_ignores_a_flat_market_and_buys_a_breakout() {
    let band = StrategyConfig::BollingerBreakout {
        period: 3,
        width: 1.0,
    };
    let flat = candles(&[(10.0, 10.0); 8]);
    let metrics = run(&flat, &band, Costs::default(), 100)
        .expect("valid")
        .metrics;
    assert_eq!(metrics.trades, 0);
    assert!(close_to(metrics.sharpe, 0.0) && close_to(metrics.max_drawdown, 0.0));

    // 10.5 after 10, 10: the window's mean is 10.1667 and its deviation 0.2357, so 10.5 is
    // above mean + 1 sd → buy at the next open (10.5). 12 and 13 stay above the mean; 9 falls
    // below the mean of (12, 13, 9) → sell at the next open (9).
    let breakout = candles(&[
        (10.0, 10.0),
        (10.0, 10.0),
        (10.0, 10.5),
        (10.5, 12.0),
        (12.0, 13.0),
        (13.0, 9.0),
        (9.0, 9.0),
    ]);
    let metrics = run(&breakout, &band, Costs::default(), 100)
        .expect("valid")
        .metrics;
    assert_eq!(metrics.trades, 1);
    assert!(
        close_to(metrics.total_return, 9.0 / 10.5 - 1.0),
        "{metrics:?}"
    );
}

#[test]
fn the_equity_curve_is_downsampled_and_keeps_the_last_bar() {
    let long: Vec<(f64, f64)> = (0..1000)
        .map(|i| {
            let price = 100.0 + (f64::from(i) / 10.0).sin() * 5.0;
            (price, price)
        })
        .collect();
    let series = candles(&long);
    let report = run(&series, &SMA_1_2, Costs::default(), 50).expect("valid");
    assert!(
        report.equity_curve.len() <= 51,
        "{}",
        report.equity_curve.len()
    );
    assert!(report.equity_curve.len() >= 50);
    assert_eq!(
        report.equity_curve.last().map(|p| p.time),
        series.last().map(|c| c.time)
    );
}

#[test]
fn invalid_parameters_are_refused_by_name() {
    let cases = [
        (StrategyConfig::SmaCrossover { fast: 0, slow: 5 }, "fast"),
        (StrategyConfig::SmaCrossover { fast: 5, slow: 5 }, "slow"),
        (
            StrategyConfig::RsiMeanReversion {
                period: 14,
                oversold: 70.0,
                overbought: 30.0,
            },
            "overbought",
        ),
        (
            StrategyConfig::BollingerBreakout {
                period: 20,
                width: f64::NAN,
            },
            "width",
        ),
    ];
    for (config, parameter) in cases {
        let err = run(&up_and_down(), &config, Costs::default(), 10).expect_err("invalid");
        assert_eq!(err.parameter, parameter);
    }
}

#[test]
fn parallel_runs_match_single_runs_and_repeat_exactly() {
    let long: Vec<(f64, f64)> = (0..500)
        .map(|i| {
            let price = 50.0 + (f64::from(i) / 7.0).cos() * 3.0 + f64::from(i) / 100.0;
            (price - 0.1, price)
        })
        .collect();
    let series = candles(&long);
    let configs: Vec<StrategyConfig> = (2..12)
        .flat_map(|fast| {
            (20..40)
                .step_by(5)
                .map(move |slow| StrategyConfig::SmaCrossover { fast, slow })
        })
        .collect();
    let costs = Costs {
        fee: 0.0005,
        slippage: 0.0005,
    };
    let parallel = run_all(&series, &configs, costs, 64);
    let again = run_all(&series, &configs, costs, 64);
    assert_eq!(parallel, again, "deterministic");
    for (config, result) in configs.iter().zip(&parallel) {
        assert_eq!(result, &run(&series, config, costs, 64));
    }
}

// The figures, one by one, on series small enough to work out on paper.

/// Daily candles from (open, close) pairs, but `step` seconds apart.
fn candles_every(step: i64, bars: &[(f64, f64)]) -> Vec<Candle> {
    let mut series = candles(bars);
    for (candle, index) in series.iter_mut().zip(0..) {
        candle.time = 1_700_000_000 + index * step;
    }
    series
}

/// SMA 1/2 holds after every bar that closes above the one before. Three round trips:
///
/// | day | open | close | fill            | equity   |
/// |-----|------|-------|-----------------|----------|
/// | 0   | 10   | 10    |                 | 1        |
/// | 1   | 10   | 11    |                 | 1        |
/// | 2   | 12   | 13    | buy at 12       | 13/12    |
/// | 3   | 13   | 12    |                 | 1        |
/// | 4   | 13.5 | 12    | sell at 13.5    | 1.125    |
/// | 5   | 12   | 13    |                 | 1.125    |
/// | 6   | 14   | 10.5  | buy at 14       | 0.84375  |
/// | 7   | 11.2 | 12    | sell at 11.2    | 0.9      |
/// | 8   | 12   | 13.2  | buy at 12, sold at the last close 13.2 | 0.99 |
fn three_trips() -> Vec<Candle> {
    candles(&[
        (10.0, 10.0),
        (10.0, 11.0),
        (12.0, 13.0),
        (13.0, 12.0),
        (13.5, 12.0),
        (12.0, 13.0),
        (14.0, 10.5),
        (11.2, 12.0),
        (12.0, 13.2),
    ])
}

const THREE_TRIPS_EQUITY: [f64; 9] = [
    1.0,
    1.0,
    13.0 / 12.0,
    1.0,
    1.125,
    1.125,
    0.843_75,
    0.9,
    0.99,
];

#[track_caller]
fn near(actual: f64, expected: f64) {
    assert!(
        (actual - expected).abs() <= 1e-12 * expected.abs().max(1.0),
        "{actual} ≠ {expected}"
    );
}

#[test]
fn a_run_without_trades_has_no_trade_figures() {
    let falling = candles(&[(10.0, 10.0), (10.0, 9.0), (9.0, 8.0), (8.0, 7.0)]);
    let report = run(&falling, &SMA_1_2, Costs::default(), 100).expect("valid");
    let metrics = report.metrics;
    assert_eq!(metrics.trades, 0);
    assert!(report.trades.is_empty() && !report.trades_truncated);
    assert_eq!(metrics.win_rate, 0.0);
    assert_eq!(
        (
            metrics.best_trade,
            metrics.worst_trade,
            metrics.average_trade,
            metrics.expectancy,
            metrics.profit_factor,
        ),
        (None, None, None, None, None)
    );
    assert_eq!(
        (metrics.max_trade_duration, metrics.average_trade_duration),
        (None, None)
    );
    // Cash all along: no return, no risk, no drawdown.
    assert_eq!(metrics.total_return, 0.0);
    assert_eq!(metrics.annualised_return, 0.0);
    assert_eq!(
        (metrics.volatility, metrics.sharpe, metrics.sortino),
        (0.0, 0.0, 0.0)
    );
    assert_eq!(metrics.max_drawdown, 0.0);
    assert_eq!(metrics.max_drawdown_duration, 0);
    assert_eq!(metrics.average_drawdown, 0.0);
    assert_eq!(metrics.calmar, None);
    assert_eq!(metrics.exposure, 0.0);
    // Holding would have turned the first open, 10, into the last close, 7.
    near(metrics.buy_and_hold_return, -0.3);
}

#[test]
fn each_round_trip_is_listed_with_its_times_prices_and_return() {
    let report = run(&three_trips(), &SMA_1_2, Costs::default(), 100).expect("valid");
    let day = |n: i64| 1_700_000_000 + n * DAY;
    let expected = [
        (day(2), day(4), 12.0, 13.5),
        (day(6), day(7), 14.0, 11.2),
        (day(8), day(8), 12.0, 13.2),
    ];
    assert_eq!(report.trades.len(), expected.len());
    for (trade, (entry_time, exit_time, entry, exit)) in report.trades.iter().zip(expected) {
        assert_eq!((trade.entry_time, trade.exit_time), (entry_time, exit_time));
        near(trade.entry_price, entry);
        near(trade.exit_price, exit);
        near(trade.trade_return, exit / entry - 1.0);
    }
    assert!(!report.trades_truncated);
    let equity: Vec<f64> = report.equity_curve.iter().map(|p| p.equity).collect();
    assert_eq!(equity.len(), THREE_TRIPS_EQUITY.len());
    for (actual, expected) in equity.iter().zip(THREE_TRIPS_EQUITY) {
        near(*actual, expected);
    }
}

#[test]
fn the_trade_figures_cover_every_round_trip() {
    let metrics = run(&three_trips(), &SMA_1_2, Costs::default(), 100)
        .expect("valid")
        .metrics;
    // Returns +12.5 %, −20 %, +10 %.
    assert_eq!(metrics.trades, 3);
    near(metrics.win_rate, 2.0 / 3.0);
    near(metrics.best_trade.expect("trades"), 0.125);
    near(metrics.worst_trade.expect("trades"), -0.2);
    near(metrics.expectancy.expect("trades"), 0.025 / 3.0);
    // 1.125 × 0.8 × 1.1 = 0.99: the geometric mean compounds to the total return.
    near(
        metrics.average_trade.expect("trades"),
        0.99_f64.powf(1.0 / 3.0) - 1.0,
    );
    near(metrics.total_return, -0.01);
    near(metrics.profit_factor.expect("a losing trade"), 0.225 / 0.2);
    // Two days, one day and none (bought at the last open, sold at the last close).
    assert_eq!(metrics.max_trade_duration, Some(2 * DAY));
    assert_eq!(metrics.average_trade_duration, Some(DAY));
    // Days 2, 3, 6 and 8 end in the market.
    near(metrics.exposure, 4.0 / 9.0);
    near(metrics.buy_and_hold_return, 13.2 / 10.0 - 1.0);
}

#[test]
fn drawdowns_are_measured_from_the_last_bar_at_the_peak() {
    let metrics = run(&three_trips(), &SMA_1_2, Costs::default(), 100)
        .expect("valid")
        .metrics;
    // First: from 13/12 on day 2 down to 1 on day 3 (1/13), back above on day 4 — two
    // days. Second: from 1.125, last seen on day 5, down to 0.84375 on day 6 (a quarter),
    // not recovered by the end on day 8 — three days.
    near(metrics.max_drawdown, 0.25);
    assert_eq!(metrics.max_drawdown_duration, 3 * DAY);
    near(metrics.average_drawdown, (1.0 / 13.0 + 0.25) / 2.0);
}

#[test]
fn risk_figures_come_from_the_per_bar_returns() {
    let metrics = run(&three_trips(), &SMA_1_2, Costs::default(), 100)
        .expect("valid")
        .metrics;
    let returns: Vec<f64> = THREE_TRIPS_EQUITY
        .windows(2)
        .map(|pair| pair[1] / pair[0] - 1.0)
        .collect();
    let count = 8.0;
    let mean = returns.iter().sum::<f64>() / count;
    let variance = returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (count - 1.0);
    let downside = (returns.iter().map(|r| r.min(0.0).powi(2)).sum::<f64>() / count).sqrt();
    // Eight daily returns over eight days: 365.25 bars a year.
    let root_year = 365.25_f64.sqrt();
    near(metrics.volatility, variance.sqrt() * root_year);
    near(metrics.sharpe, mean / variance.sqrt() * root_year);
    near(metrics.sortino, mean / downside * root_year);
    let cagr = 0.99_f64.powf(365.25 / 8.0) - 1.0;
    near(metrics.annualised_return, cagr);
    near(metrics.calmar.expect("a drawdown"), cagr / 0.25);
}

#[test]
fn costs_are_in_the_trade_prices_and_the_final_sale() {
    let costs = Costs {
        fee: 0.01,
        slippage: 0.02,
    };
    let report = run(&three_trips(), &SMA_1_2, costs, 100).expect("valid");
    let (buy, sell) = (1.02 * 1.01, 0.98 * 0.99);
    let prices = [(12.0, 13.5), (14.0, 11.2), (12.0, 13.2)];
    let mut growth = 1.0;
    for (trade, (entry, exit)) in report.trades.iter().zip(prices) {
        near(trade.entry_price, entry * buy);
        near(trade.exit_price, exit * sell);
        near(trade.trade_return, exit * sell / (entry * buy) - 1.0);
        growth *= 1.0 + trade.trade_return;
    }
    // The run ends in cash, so the trades compound to the total return.
    near(report.metrics.total_return, growth - 1.0);
    near(
        report.equity_curve.last().map_or(f64::NAN, |p| p.equity),
        growth,
    );
}

#[test]
fn all_winning_trades_have_no_profit_factor() {
    let rising = candles(&[(10.0, 10.0), (10.0, 11.0), (11.0, 12.0), (12.0, 13.0)]);
    let metrics = run(&rising, &SMA_1_2, Costs::default(), 100)
        .expect("valid")
        .metrics;
    assert_eq!(metrics.trades, 1);
    assert_eq!(metrics.profit_factor, None, "nothing lost to divide by");
    near(metrics.best_trade.expect("a trade"), 13.0 / 11.0 - 1.0);
    assert_eq!(metrics.best_trade, metrics.worst_trade);
    assert_eq!(metrics.average_trade_duration, Some(DAY));
    // Equity only rose: no drawdown, so no Calmar either.
    assert_eq!(metrics.max_drawdown, 0.0);
    assert_eq!(metrics.calmar, None);
}

#[test]
fn only_losing_trades_have_a_zero_profit_factor() {
    let falling_after = candles(&[(10.0, 10.0), (10.0, 11.0), (11.0, 9.0), (9.0, 8.0)]);
    let metrics = run(&falling_after, &SMA_1_2, Costs::default(), 100)
        .expect("valid")
        .metrics;
    assert_eq!(metrics.trades, 1);
    assert_eq!(metrics.win_rate, 0.0);
    assert_eq!(metrics.profit_factor, Some(0.0));
}

#[test]
fn a_run_over_seconds_has_finite_yearly_figures() {
    // Two bars a second apart: nothing to trade, nothing to annualise.
    let two = candles_every(1, &[(10.0, 10.0), (10.0, 11.0)]);
    let metrics = run(&two, &SMA_1_2, Costs::default(), 10)
        .expect("valid")
        .metrics;
    assert!(metrics.is_finite(), "{metrics:?}");
    assert_eq!(metrics.annualised_return, 0.0);

    // A gain of 12/11 in two seconds compounds past any number over a year; a gain that
    // then falls a little has a drawdown too, and a Calmar of that over it.
    let gain = candles_every(1, &[(10.0, 10.0), (10.0, 11.0), (11.0, 12.0)]);
    let dip = candles_every(1, &[(10.0, 10.0), (10.0, 11.0), (11.0, 12.0), (12.0, 11.5)]);
    for series in [gain, dip] {
        let metrics = run(&series, &SMA_1_2, Costs::default(), 10)
            .expect("valid")
            .metrics;
        assert!(metrics.is_finite(), "{metrics:?}");
        assert_eq!(metrics.annualised_return, f64::MAX);
        assert!(metrics.calmar.is_none_or(|calmar| calmar == f64::MAX));
        // JSON carries the saturated rate, and reads it back.
        let json = serde_json::to_string(&metrics).expect("serialises");
        let back: super::Metrics = serde_json::from_str(&json).expect("parses");
        assert_eq!(back.annualised_return, f64::MAX, "{json}");
    }

    // A loss over seconds compounds to losing everything, and no further.
    let loss = candles_every(1, &[(10.0, 10.0), (10.0, 11.0), (11.0, 5.0)]);
    let metrics = run(&loss, &SMA_1_2, Costs::default(), 10)
        .expect("valid")
        .metrics;
    assert!(metrics.is_finite(), "{metrics:?}");
    assert_eq!(metrics.annualised_return, -1.0);
}

#[test]
fn past_ten_thousand_trades_the_list_stops_and_the_figures_go_on() {
    // Up, down, up, down: SMA 1/2 makes a round trip every two bars.
    let zigzag: Vec<(f64, f64)> = (0..40_100)
        .map(|i| {
            if i % 2 == 0 {
                (11.0, 10.0)
            } else {
                (10.0, 11.0)
            }
        })
        .collect();
    let report = run(&candles(&zigzag), &SMA_1_2, Costs::default(), 10).expect("valid");
    assert!(report.metrics.trades > 20_000, "{}", report.metrics.trades);
    assert_eq!(report.trades.len(), super::MAX_TRADES_PER_RESULT);
    assert!(report.trades_truncated);
    assert!(report.metrics.is_finite());
}

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

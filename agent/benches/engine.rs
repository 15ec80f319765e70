//! Candle-steps per second of the backtest engine (goal: ≥ 20 M/s per core for the SMA
//! crossover). Criterion reports throughput in elements per second, one element being one
//! candle processed by one config.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use edge_agent::engine::{Candle, Costs, StrategyConfig, run};

/// A deterministic random walk (xorshift), so every run measures the same work.
fn candles(count: usize) -> Vec<Candle> {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut price = 100.0_f64;
    (0..count)
        .zip(0_i64..)
        .map(|(_, index)| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            #[allow(clippy::cast_precision_loss)]
            let step = ((state >> 11) as f64 / (1_u64 << 53) as f64 - 0.5) * 0.02;
            let open = price;
            price *= 1.0 + step;
            Candle {
                time: 1_700_000_000 + index * 60,
                open,
                high: open.max(price),
                low: open.min(price),
                close: price,
                volume: 1.0,
            }
        })
        .collect()
}

fn engine(c: &mut Criterion) {
    let series = candles(1_000_000);
    let costs = Costs {
        fee: 0.001,
        slippage: 0.0005,
    };
    let mut group = c.benchmark_group("candle_steps");
    group.throughput(Throughput::Elements(series.len() as u64));
    group.sample_size(20);
    for (name, config) in [
        (
            "sma_crossover",
            StrategyConfig::SmaCrossover { fast: 10, slow: 50 },
        ),
        (
            "rsi_mean_reversion",
            StrategyConfig::RsiMeanReversion {
                period: 14,
                oversold: 30.0,
                overbought: 70.0,
            },
        ),
        (
            "bollinger_breakout",
            StrategyConfig::BollingerBreakout {
                period: 20,
                width: 2.0,
            },
        ),
    ] {
        group.bench_function(name, |bench| {
            bench.iter(|| run(&series, &config, costs, 500));
        });
    }
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);

//! Running one chunk of configs on the backtest pool.
//!
//! The engine is CPU-bound and synchronous, so a chunk runs on the rayon pool behind
//! `spawn_blocking`: the async threads stay free for heartbeats while it works.

use std::sync::Arc;

use edge_protocol::api::{ConfigResult, TaskConfig};

use super::CURVE_POINTS;
use crate::engine::{Candle, Costs, StrategyConfig, run_all};

/// Runs one chunk on the pool, off the async threads, and turns the reports into results.
pub(super) async fn run_chunk(
    pool: &Arc<rayon::ThreadPool>,
    candles: &Arc<Vec<Candle>>,
    costs: Costs,
    chunk: &[TaskConfig],
) -> Result<Vec<ConfigResult>, String> {
    let configs: Vec<StrategyConfig> = chunk.iter().map(|config| config.config).collect();
    let (pool, candles) = (Arc::clone(pool), Arc::clone(candles));
    let reports = tokio::task::spawn_blocking(move || {
        pool.install(|| run_all(&candles, &configs, costs, CURVE_POINTS))
    })
    .await
    .map_err(|err| format!("the backtest engine crashed: {err}"))?;
    chunk
        .iter()
        .zip(reports)
        .map(|(config, report)| {
            let config_id = config.config_id;
            let report = report.map_err(|err| format!("config {config_id}: {err}"))?;
            if !report.metrics.is_finite() {
                return Err(format!(
                    "config {config_id}: the backtest produced a metric that is not a finite number"
                ));
            }
            Ok(ConfigResult {
                config_id,
                metrics: report.metrics,
                equity_curve: report.equity_curve,
                trades: report.trades,
                trades_truncated: report.trades_truncated,
            })
        })
        .collect()
}

//! The run loop and the task runner against a fake server behind [`EdgeApi`]: what gets
//! posted, completed, failed or released in each situation. Time is paused, so backoff
//! and heartbeat waits cost nothing.
//!
//! This file holds what both sets of tests build on: a leased task, a context and a config
//! file. The fake server is in [`fake`]; the task runner's tests in [`tasks`], the loop's
//! in [`run_loop`].
//!
//! [`EdgeApi`]: crate::client::EdgeApi

mod fake;
mod run_loop;
mod tasks;

use std::sync::Arc;

use chrono::Utc;
use edge_protocol::api::{ApiError, DatasetRef, ErrorCode, Intervals, LeasedTask, TaskConfig};
use edge_protocol::strategy::StrategyName;
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use uuid::Uuid;

use super::{Context, Shared};
use crate::client::ClientError;
use crate::config::{AgentConfig, ConfigFile};
use crate::engine::{Costs, StrategyConfig};
use fake::Fake;

const INTERVALS: Intervals = Intervals {
    heartbeat_seconds: 5,
    poll_seconds: 2,
    task_heartbeat_seconds: 1,
    lease_seconds: 60,
};

const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef";

fn api_error(code: ErrorCode) -> ClientError {
    ClientError::Api {
        status: code.status(),
        error: ApiError::new(code, "from the fake"),
    }
}

/// 120 daily candles of a wave, enough for a few crossovers.
fn csv() -> Vec<u8> {
    let mut text = String::from("time,open,high,low,close,volume\n");
    for day in 0..120_i32 {
        let close = 100.0 + 10.0 * (f64::from(day) / 5.0).sin();
        let open = 100.0 + 10.0 * (f64::from(day - 1) / 5.0).sin();
        text.push_str(&format!(
            "{},{open},{},{},{close},1\n",
            1_700_000_000 + i64::from(day) * 86_400,
            open.max(close),
            open.min(close)
        ));
    }
    text.into_bytes()
}

fn leased(configs: u32, completed: &[u32]) -> LeasedTask {
    let data = csv();
    LeasedTask {
        id: Uuid::from_u128(7),
        strategy: StrategyName::SmaCrossover,
        costs: Costs {
            fee: 0.001,
            slippage: 0.0005,
        },
        dataset: DatasetRef {
            id: Uuid::from_u128(8),
            rows: 120,
            size_bytes: data.len() as u64,
            sha256: hex::encode(Sha256::digest(&data)),
        },
        configs: (0..configs)
            .map(|config_id| TaskConfig {
                config_id,
                config: StrategyConfig::SmaCrossover {
                    fast: 2 + (config_id % 3) as usize,
                    slow: 8 + config_id as usize,
                },
            })
            .collect(),
        completed_config_ids: completed.to_vec(),
        lease_expires_at: Utc::now(),
    }
}

/// A context with one backtest thread (chunks of four) around `fake`.
fn context(fake: Fake, stopping: bool) -> (Context<Fake>, watch::Sender<bool>) {
    let (stop, shutdown) = watch::channel(stopping);
    let shared = Shared::new(false);
    shared.set_intervals(INTERVALS);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let context = Context {
        api: Arc::new(fake),
        shared: Arc::new(shared),
        pool: Arc::new(pool),
        shutdown,
    };
    (context, stop)
}

fn config_file(dir: &tempfile::TempDir) -> Arc<ConfigFile> {
    let path = dir.path().join("edge-agent.toml");
    let config = AgentConfig {
        server_url: "https://plans.example".to_owned(),
        worker_id: Uuid::from_u128(1),
        credential: format!("wk_live_11111111_{SECRET}"),
        display_name: "test".to_owned(),
    };
    config.save(&path).expect("save");
    Arc::new(ConfigFile::new(path, config))
}

//! Unit tests of the task runner's pure parts: the plan, chunk sizes, the dataset check,
//! batches of results and the signal order. The runner against a fake server is tested in `runner::tests`.

use edge_protocol::api::{
    ApiError, ConfigResult, ErrorCode, MAX_RESULTS_PER_BATCH, ResultBatch, TaskConfig,
};
use edge_protocol::backtest::{MAX_TRADES_PER_RESULT, Metrics, Trade};
use edge_protocol::dataset::DatasetLimits;
use sha2::{Digest, Sha256};

use super::dataset::{DatasetCheck, check_dataset};
use super::heartbeat::Signal;
use super::results::{MAX_BATCH_BYTES, batches};
use super::{Plan, chunk_size};
use crate::engine::StrategyConfig;

fn config(config_id: u32) -> TaskConfig {
    TaskConfig {
        config_id,
        config: StrategyConfig::SmaCrossover {
            fast: 2,
            slow: 3 + config_id as usize,
        },
    }
}

fn ids(configs: &[TaskConfig]) -> Vec<u32> {
    configs.iter().map(|config| config.config_id).collect()
}

#[test]
fn completed_configs_are_skipped_in_order() {
    let configs: Vec<_> = (0..10).map(config).collect();
    let plan = Plan::new(&configs, &[3, 0, 9, 42]);
    assert_eq!(ids(&plan.remaining), [1, 2, 4, 5, 6, 7, 8]);
    assert_eq!(plan.already_done, 3);
    assert_eq!(plan.total, 10);

    let none_done = Plan::new(&configs, &[]);
    assert_eq!(none_done.remaining.len(), 10);
    assert_eq!(none_done.already_done, 0);

    let all_done = Plan::new(&configs, &(0..10).collect::<Vec<_>>());
    assert!(all_done.remaining.is_empty());
    assert_eq!(all_done.already_done, 10);
}

#[test]
fn a_repeated_config_id_runs_once() {
    let configs = [config(1), config(2), config(1)];
    let plan = Plan::new(&configs, &[]);
    assert_eq!(ids(&plan.remaining), [1, 2]);
    assert_eq!(plan.total, 2);
}

#[test]
fn chunks_hold_four_configs_per_thread_and_at_least_one() {
    assert_eq!(chunk_size(0), 1);
    assert_eq!(chunk_size(1), 4);
    assert_eq!(chunk_size(8), 32);
    assert_eq!(chunk_size(usize::MAX), usize::MAX);

    let configs: Vec<_> = (0..10).map(config).collect();
    let plan = Plan::new(&configs, &[4]);
    let chunks: Vec<Vec<u32>> = plan.remaining.chunks(chunk_size(1)).map(ids).collect();
    assert_eq!(chunks, [vec![0, 1, 2, 3], vec![5, 6, 7, 8], vec![9]]);
}

#[test]
fn a_dataset_must_match_its_checksum_and_parse() {
    let csv = b"time,open,high,low,close,volume\n1,10,11,9,10,1\n2,10,12,9,11,1\n";
    let sha = hex::encode(Sha256::digest(csv));
    let limits = DatasetLimits::default();
    assert_eq!(check_dataset(csv, &sha, limits).map(|c| c.len()), Ok(2));
    assert_eq!(
        check_dataset(csv, &sha.to_ascii_uppercase(), limits).map(|c| c.len()),
        Ok(2)
    );

    let wrong = check_dataset(csv, &"0".repeat(64), limits).expect_err("checksum");
    assert!(matches!(wrong, DatasetCheck::Checksum { .. }));
    assert!(wrong.to_string().contains(&sha));

    let bad = b"time,open,high,low,close,volume\n1,10,11,9,10,1\n";
    let err = check_dataset(bad, &hex::encode(Sha256::digest(bad)), limits).expect_err("one row");
    assert!(err.to_string().contains("at least two rows"), "{err}");
}

#[test]
fn signals_only_escalate() {
    assert!(Signal::Cancel.rank() > Signal::Running.rank());
    assert!(Signal::LeaseLost(String::new()).rank() > Signal::Cancel.rank());
    assert!(
        Signal::Fatal(ApiError::new(ErrorCode::WorkerDisabled, "")).rank()
            > Signal::LeaseLost(String::new()).rank()
    );
}

/// A result with `trades` round trips.
fn result(config_id: u32, trades: usize) -> ConfigResult {
    let trade = Trade {
        entry_time: 1_700_000_000,
        exit_time: 1_700_086_400,
        entry_price: 100.123_456_789_012_34,
        exit_price: 101.987_654_321_098_76,
        trade_return: 0.018_620_000_000_000_1,
    };
    ConfigResult {
        config_id,
        metrics: Metrics::default(),
        equity_curve: Vec::new(),
        trades: vec![trade; trades],
        trades_truncated: false,
    }
}

fn json_len(results: &[ConfigResult]) -> usize {
    let batch = ResultBatch {
        results: results.to_vec(),
    };
    serde_json::to_vec(&batch).map_or(usize::MAX, |json| json.len())
}

fn batch_ids(batches: &[Vec<ConfigResult>]) -> Vec<u32> {
    batches
        .iter()
        .flatten()
        .map(|result| result.config_id)
        .collect()
}

#[test]
fn small_results_go_at_most_five_hundred_a_batch() {
    let results: Vec<_> = (0..1_201).map(|id| result(id, 0)).collect();
    let split = batches(results, MAX_BATCH_BYTES);
    let sizes: Vec<usize> = split.iter().map(Vec::len).collect();
    assert_eq!(sizes, [MAX_RESULTS_PER_BATCH, MAX_RESULTS_PER_BATCH, 201]);
    assert_eq!(batch_ids(&split), (0..1_201).collect::<Vec<_>>());
    assert!(batches(Vec::new(), MAX_BATCH_BYTES).is_empty());
}

#[test]
fn results_with_full_trade_lists_are_split_under_four_mebibytes() {
    let results: Vec<_> = (0..12)
        .map(|id| result(id, MAX_TRADES_PER_RESULT))
        .collect();
    let one = json_len(&results[..1]);
    assert!(one > 1024 * 1024, "a full trade list is over a MiB: {one}");
    let split = batches(results, MAX_BATCH_BYTES);
    assert_eq!(batch_ids(&split), (0..12).collect::<Vec<_>>(), "in order");
    assert!(split.len() >= 4, "{}", split.len());
    for (index, batch) in split.iter().enumerate() {
        let bytes = json_len(batch);
        assert!(bytes <= MAX_BATCH_BYTES, "batch {index}: {bytes} bytes");
        if let Some(next) = split.get(index + 1) {
            // Each batch is as full as it can be: the next result would not have fitted.
            let mut grown = batch.clone();
            grown.push(next[0].clone());
            assert!(
                json_len(&grown) > MAX_BATCH_BYTES,
                "batch {index} could hold more"
            );
        }
    }
}

#[test]
fn the_byte_limit_is_exact_and_an_oversized_result_goes_alone() {
    let results: Vec<_> = (0..3).map(|id| result(id, 10)).collect();
    let two = json_len(&results[..2]);
    let split = batches(results.clone(), two);
    let sizes: Vec<usize> = split.iter().map(Vec::len).collect();
    assert_eq!(sizes, [2, 1], "two fit to the byte, three do not");
    let split = batches(results.clone(), two - 1);
    let sizes: Vec<usize> = split.iter().map(Vec::len).collect();
    assert_eq!(sizes, [1, 1, 1]);
    let split = batches(results, 10);
    let sizes: Vec<usize> = split.iter().map(Vec::len).collect();
    assert_eq!(sizes, [1, 1, 1], "each larger than the limit on its own");
}

//! Unit tests of the task runner's pure parts: the plan, chunk sizes, the dataset check
//! and the signal order. The runner against a fake server is tested in `runner::tests`.

use edge_protocol::api::{ApiError, ErrorCode, TaskConfig};
use edge_protocol::dataset::DatasetLimits;
use sha2::{Digest, Sha256};

use super::dataset::{DatasetCheck, check_dataset};
use super::heartbeat::Signal;
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

//! Getting a task's dataset: download, check the SHA-256, parse.
//!
//! The checksum is checked here rather than trusted from the transfer: a corrupted
//! download is tried again, a file that is wrong on the server fails the task.

use edge_protocol::api::LeasedTask;
use edge_protocol::dataset::{DatasetError, DatasetLimits, parse_csv};
use sha2::{Digest, Sha256};

use super::Stop;
use crate::client::EdgeApi;
use crate::engine::Candle;
use crate::runner::{Context, retry};

/// A download whose checksum does not match is tried this often before the task fails: a
/// transfer can be corrupted, a stored file that is wrong stays wrong.
const DOWNLOAD_ATTEMPTS: u32 = 3;

/// Why a downloaded dataset was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub(super) enum DatasetCheck {
    #[error("the dataset's SHA-256 is {actual}, but the task says {expected}")]
    Checksum { expected: String, actual: String },
    #[error("the dataset is not valid: {0}")]
    Invalid(DatasetError),
}

/// Checks the file against the task's checksum, then parses it the way the server did.
pub(super) fn check_dataset(
    bytes: &[u8],
    expected_sha256: &str,
    limits: DatasetLimits,
) -> Result<Vec<Candle>, DatasetCheck> {
    let actual = hex::encode(Sha256::digest(bytes));
    if !actual.eq_ignore_ascii_case(expected_sha256.trim()) {
        return Err(DatasetCheck::Checksum {
            expected: expected_sha256.to_owned(),
            actual,
        });
    }
    parse_csv(bytes, limits).map_err(DatasetCheck::Invalid)
}

pub(super) async fn fetch_dataset<A: EdgeApi>(
    context: &Context<A>,
    task: &LeasedTask,
) -> Result<Vec<Candle>, Stop> {
    let limits = DatasetLimits::default();
    let api = &*context.api;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let bytes = retry(&context.shared, "downloading the dataset", None, || {
            api.dataset(task.id, limits.max_bytes)
        })
        .await
        .map_err(|err| Stop::after("downloading the dataset", err))?;
        let expected = task.dataset.sha256.clone();
        // Hashing and parsing up to 64 MiB takes a while: off the async threads.
        let checked = tokio::task::spawn_blocking(move || check_dataset(&bytes, &expected, limits))
            .await
            .map_err(|err| Stop::Fail(format!("checking the dataset crashed: {err}")))?;
        match checked {
            Ok(candles) => {
                tracing::debug!(task = %task.id, rows = candles.len(), "dataset ready");
                return Ok(candles);
            }
            Err(problem @ DatasetCheck::Checksum { .. }) if attempt < DOWNLOAD_ATTEMPTS => {
                tracing::warn!(task = %task.id, %problem, "downloading the dataset again");
            }
            Err(problem) => return Err(Stop::Fail(problem.to_string())),
        }
    }
}

//! Which configs of a leased task still need running, and how many go in each chunk.
//!
//! Pure arithmetic, kept apart from the async runner so it can be tested without a server.

use std::collections::HashSet;

use edge_protocol::api::TaskConfig;

/// Configs per chunk for each backtest thread: enough to keep every thread busy when
/// configs take uneven time, few enough that a stop or cancel waits only briefly.
pub const CONFIGS_PER_THREAD: usize = 4;

/// The configs still to run, once those with results are skipped.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub remaining: Vec<TaskConfig>,
    /// Configs of the task that already have a result.
    pub already_done: u32,
    pub total: u32,
}

impl Plan {
    /// Skips `completed` ids, and a repeated config id (it has one result, not two).
    pub fn new(configs: &[TaskConfig], completed: &[u32]) -> Self {
        let completed: HashSet<u32> = completed.iter().copied().collect();
        let mut seen = HashSet::new();
        let distinct: Vec<&TaskConfig> = configs
            .iter()
            .filter(|config| seen.insert(config.config_id))
            .collect();
        let remaining: Vec<TaskConfig> = distinct
            .iter()
            .filter(|config| !completed.contains(&config.config_id))
            .map(|config| **config)
            .collect();
        let total = count(distinct.len());
        Self {
            already_done: total - count(remaining.len()),
            total,
            remaining,
        }
    }
}

/// Configs per chunk for a pool of `threads`.
pub const fn chunk_size(threads: usize) -> usize {
    let size = threads.saturating_mul(CONFIGS_PER_THREAD);
    if size == 0 { 1 } else { size }
}

/// A task has at most `MAX_CONFIGS` (10,000) configs.
pub(super) fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

//! Running one leased task, start to end.
//!
//! 1. Download the dataset, check its SHA-256 and parse it; a bad dataset fails the task.
//! 2. Skip the configs the server already has results for (from an earlier lease).
//! 3. Run the rest in chunks of about four configs per thread on the rayon pool, and post
//!    each chunk's results before starting the next: a crash or a lost lease costs at
//!    most one chunk of work, and progress on the server moves as the work does.
//! 4. Meanwhile a task heartbeat (its own tokio task) reports progress, keeps the lease,
//!    and learns whether the owner cancelled.
//! 5. End with `complete` — or `release` when the agent is stopping, or `fail` when the
//!    task cannot run. A lost lease (409) ends nothing: the task is simply dropped.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use edge_protocol::api::{
    ApiError, ConfigResult, ErrorClass, ErrorCode, LeasedTask, MAX_ERROR_CHARS,
    MAX_RESULTS_PER_BATCH, ResultBatch, TaskConfig, TaskState,
};
use edge_protocol::backtest::MAX_COST;
use edge_protocol::dataset::{DatasetError, DatasetLimits, parse_csv};
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use uuid::Uuid;

use super::progress::Progress;
use super::{AbortOnDrop, Context, Shared, retry, seconds};
use crate::backoff::Backoff;
use crate::client::{ClientError, EdgeApi};
use crate::engine::{Candle, Costs, StrategyConfig, run_all};

/// Points per equity curve: enough to draw, small enough that a batch of 500 stays light.
pub const CURVE_POINTS: usize = 200;

/// Configs per chunk for each backtest thread: enough to keep every thread busy when
/// configs take uneven time, few enough that a stop or cancel waits only briefly.
pub const CONFIGS_PER_THREAD: usize = 4;

/// A download whose checksum does not match is tried this often before the task fails: a
/// transfer can be corrupted, a stored file that is wrong stays wrong.
const DOWNLOAD_ATTEMPTS: u32 = 3;

/// How a task ended, as far as this agent is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskEnd {
    /// Every config has a result and the server took `complete`.
    Completed,
    /// The owner cancelled; finished results were posted and the task completed.
    Cancelled,
    /// The task could not run; the server was told why.
    Failed,
    /// The agent is stopping; the task went back to the queue.
    Released,
    /// The lease was lost; the task was dropped without a word to the server.
    Abandoned,
}

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
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What the task heartbeat has learned; only ever escalates, left to right.
#[derive(Clone, Debug, PartialEq)]
enum Signal {
    Running,
    Cancel,
    LeaseLost(String),
    Fatal(ApiError),
}

impl Signal {
    const fn rank(&self) -> u8 {
        match self {
            Self::Running => 0,
            Self::Cancel => 1,
            Self::LeaseLost(_) => 2,
            Self::Fatal(_) => 3,
        }
    }
}

/// Why work on a task stops before its end.
#[derive(Debug)]
enum Stop {
    /// The task cannot run: tell the server with `fail`.
    Fail(String),
    /// The lease is gone (409, or the task is no longer ours): drop the task.
    LeaseLost(String),
    /// The server refused the agent for good.
    Fatal(ApiError),
}

impl Stop {
    /// A call that failed for good (retries are done by then).
    fn after(doing: &str, err: ClientError) -> Self {
        match err {
            ClientError::Api { error, .. } if error.code.is_fatal_for_agent() => Self::Fatal(error),
            ClientError::Api { error, .. } if lease_lost(error.code) => {
                Self::LeaseLost(format!("{doing}: {error}"))
            }
            other => Self::Fail(format!("{doing}: {other}")),
        }
    }
}

/// The codes that mean the task is no longer this worker's to work on.
const fn lease_lost(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::Conflict | ErrorCode::Forbidden | ErrorCode::WorkerQuarantined
    )
}

/// Runs `task` to its end. `Err` is a fatal refusal: the agent must stop.
pub(super) async fn execute<A: EdgeApi>(
    context: &Context<A>,
    task: LeasedTask,
) -> Result<TaskEnd, ApiError> {
    let id = task.id;
    let plan = Plan::new(&task.configs, &task.completed_config_ids);
    tracing::info!(
        task = %id,
        strategy = task.strategy.as_str(),
        configs = plan.total,
        already_done = plan.already_done,
        dataset_rows = task.dataset.rows,
        "leased a task"
    );
    let done = Arc::new(AtomicU32::new(plan.already_done));
    let (signal_tx, signal) = watch::channel(Signal::Running);
    let _beats = AbortOnDrop(tokio::spawn(task_heartbeats(
        Arc::clone(&context.api),
        Arc::clone(&context.shared),
        id,
        Arc::clone(&done),
        signal_tx,
    )));

    match work(context, &task, plan, &done, &signal).await {
        Ok(end) => Ok(end),
        Err(Stop::Fatal(error)) => Err(error),
        Err(Stop::LeaseLost(reason)) => {
            tracing::warn!(
                task = %id,
                reason,
                "lost the lease on this task; dropping it (the server hands it out again)"
            );
            Ok(TaskEnd::Abandoned)
        }
        Err(Stop::Fail(reason)) => fail(context, id, &reason).await,
    }
}

/// How the chunk loop ended.
enum Finish {
    Complete,
    Cancelled,
    Release,
}

async fn work<A: EdgeApi>(
    context: &Context<A>,
    task: &LeasedTask,
    plan: Plan,
    done: &AtomicU32,
    signal: &watch::Receiver<Signal>,
) -> Result<TaskEnd, Stop> {
    if let Err(name) = task.costs.validate() {
        return Err(Stop::Fail(format!(
            "the task's {name} must be a fraction between 0 and {MAX_COST}"
        )));
    }
    // Nothing left (an earlier lease ran every config): no need for the dataset.
    let candles = if plan.remaining.is_empty() {
        Arc::new(Vec::new())
    } else {
        Arc::new(fetch_dataset(context, task).await?)
    };

    let mut progress = Progress::start(
        task.id,
        plan.total,
        plan.already_done,
        context.shared.interactive,
    );
    let size = chunk_size(context.pool.current_num_threads());
    let mut finish = Finish::Complete;
    for chunk in plan.remaining.chunks(size) {
        let current = signal.borrow().clone();
        match current {
            Signal::Running => {}
            Signal::Cancel => {
                finish = Finish::Cancelled;
                break;
            }
            Signal::LeaseLost(reason) => return Err(Stop::LeaseLost(reason)),
            Signal::Fatal(error) => return Err(Stop::Fatal(error)),
        }
        if context.shutting_down() {
            finish = Finish::Release;
            break;
        }
        let results = run_chunk(&context.pool, &candles, task.costs, chunk)
            .await
            .map_err(Stop::Fail)?;
        let posted = count(results.len());
        let on_server = post_results(context, task.id, results).await?;
        // The server's count is the truth (it includes earlier leases); ours is the fallback.
        let now_done = on_server.unwrap_or_else(|| done.load(Ordering::Relaxed) + posted);
        done.store(now_done, Ordering::Relaxed);
        progress.set(now_done);
    }
    progress.finish();

    let api = &*context.api;
    let shared = &context.shared;
    let id = task.id;
    match finish {
        Finish::Release => {
            let outcome = retry(shared, "handing the task back", None, || api.release(id))
                .await
                .map_err(|err| Stop::after("handing the task back", err))?;
            tracing::info!(
                task = %id,
                state = outcome.state.as_str(),
                configs_done = done.load(Ordering::Relaxed),
                "stopping: posted the finished results and handed the task back"
            );
            Ok(TaskEnd::Released)
        }
        Finish::Complete | Finish::Cancelled => {
            let outcome = retry(shared, "completing the task", None, || api.complete(id))
                .await
                .map_err(|err| Stop::after("completing the task", err))?;
            let configs_done = done.load(Ordering::Relaxed);
            if matches!(finish, Finish::Cancelled) || outcome.state == TaskState::Cancelled {
                tracing::info!(
                    task = %id,
                    configs_done,
                    total = plan.total,
                    "the task was cancelled by its owner; posted the finished results"
                );
                Ok(TaskEnd::Cancelled)
            } else {
                tracing::info!(
                    task = %id,
                    state = outcome.state.as_str(),
                    configs_done,
                    "finished the task"
                );
                Ok(TaskEnd::Completed)
            }
        }
    }
}

/// Tells the server the task failed, and why.
async fn fail<A: EdgeApi>(
    context: &Context<A>,
    id: Uuid,
    reason: &str,
) -> Result<TaskEnd, ApiError> {
    let reason: String = reason.chars().take(MAX_ERROR_CHARS).collect();
    context.shared.record_error(ErrorClass::Task, &reason);
    tracing::error!(task = %id, reason, "the task failed");
    let api = &*context.api;
    match retry(&context.shared, "reporting the failure", None, || {
        api.fail(id, &reason)
    })
    .await
    {
        Ok(outcome) => {
            tracing::info!(task = %id, state = outcome.state.as_str(), "reported the failure");
        }
        Err(ClientError::Api { error, .. }) if error.code.is_fatal_for_agent() => {
            return Err(error);
        }
        Err(err) => {
            tracing::warn!(
                task = %id,
                error = %err,
                "could not report the failure; the task goes back to the queue when its lease expires"
            );
        }
    }
    Ok(TaskEnd::Failed)
}

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

async fn fetch_dataset<A: EdgeApi>(
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

/// Runs one chunk on the pool, off the async threads, and turns the reports into results.
async fn run_chunk(
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
            })
        })
        .collect()
}

/// Posts results in batches the server accepts, retrying each until it is stored: a
/// result is never dropped for a network error. A batch the server finds too large is
/// split in two. Returns the server's count of configs with a result.
async fn post_results<A: EdgeApi>(
    context: &Context<A>,
    id: Uuid,
    results: Vec<ConfigResult>,
) -> Result<Option<u32>, Stop> {
    let api = &*context.api;
    // A stack of batches, the next to send on top.
    let mut pending: Vec<Vec<ConfigResult>> = Vec::new();
    let mut rest = results;
    while rest.len() > MAX_RESULTS_PER_BATCH {
        let tail = rest.split_off(MAX_RESULTS_PER_BATCH);
        pending.push(rest);
        rest = tail;
    }
    if !rest.is_empty() {
        pending.push(rest);
    }
    pending.reverse();

    let mut configs_done = None;
    while let Some(results) = pending.pop() {
        let batch = ResultBatch { results };
        match retry(&context.shared, "posting results", None, || {
            api.post_results(id, &batch)
        })
        .await
        {
            Ok(accepted) => configs_done = Some(accepted.configs_done),
            Err(err)
                if err.code() == Some(ErrorCode::PayloadTooLarge) && batch.results.len() > 1 =>
            {
                let mut first = batch.results;
                let second = first.split_off(first.len() / 2);
                pending.push(second);
                pending.push(first);
            }
            Err(err) => return Err(Stop::after("posting results", err)),
        }
    }
    Ok(configs_done)
}

/// The task heartbeat: reports progress every `task_heartbeat_seconds` (the first at
/// once, which also tells the server the task started) and raises `signal` on a cancel,
/// a lost lease or a fatal refusal. Ends when the task does (its handle is aborted).
async fn task_heartbeats<A: EdgeApi>(
    api: Arc<A>,
    shared: Arc<Shared>,
    id: Uuid,
    done: Arc<AtomicU32>,
    signal: watch::Sender<Signal>,
) {
    let raise = |next: Signal| {
        signal.send_if_modified(|current| {
            let higher = next.rank() > current.rank();
            if higher {
                *current = next;
            }
            higher
        })
    };
    let mut backoff = Backoff::NETWORK;
    loop {
        let interval = seconds(shared.intervals().task_heartbeat_seconds);
        let wait = match api.task_heartbeat(id, done.load(Ordering::Relaxed)).await {
            Ok(answer) => {
                backoff.reset();
                if answer.cancel_requested && raise(Signal::Cancel) {
                    tracing::info!(task = %id, "its owner cancelled the task; stopping after the current chunk");
                }
                interval
            }
            Err(err) if err.is_retryable() => {
                shared.record_error(err.class(), &err);
                tracing::warn!(task = %id, error = %err, "task heartbeat failed");
                backoff.next_delay(&mut rand::rng()).min(interval)
            }
            Err(err) => {
                shared.record_error(err.class(), &err);
                match Stop::after("task heartbeat", err) {
                    Stop::Fatal(error) => {
                        raise(Signal::Fatal(error));
                        return;
                    }
                    Stop::LeaseLost(reason) => {
                        raise(Signal::LeaseLost(reason));
                        return;
                    }
                    // Not found, validation: nothing a heartbeat can act on; the next task
                    // call will say what is wrong.
                    Stop::Fail(reason) => {
                        tracing::warn!(task = %id, reason, "task heartbeat refused");
                        interval
                    }
                }
            }
        };
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let err =
            check_dataset(bad, &hex::encode(Sha256::digest(bad)), limits).expect_err("one row");
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
}

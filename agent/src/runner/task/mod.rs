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
//!
//! This file holds the steps in order; each job it hands off has its own file: the
//! [`plan`], the [`dataset`], running a [`chunk`], posting the [`results`], and the task
//! [`heartbeat`].

mod chunk;
mod dataset;
mod heartbeat;
mod plan;
mod results;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use edge_protocol::api::{ApiError, ErrorClass, ErrorCode, LeasedTask, MAX_ERROR_CHARS, TaskState};
use edge_protocol::backtest::MAX_COST;
use tokio::sync::watch;
use uuid::Uuid;

use super::progress::Progress;
use super::{AbortOnDrop, Context, retry};
use crate::client::{ClientError, EdgeApi};
use chunk::run_chunk;
use dataset::fetch_dataset;
use heartbeat::{Signal, task_heartbeats};
use plan::count;
use results::post_results;

pub use plan::{Plan, chunk_size};

/// Points per equity curve: enough to draw, and a few kilobytes of JSON next to a trade
/// list that can take a megabyte.
pub const CURVE_POINTS: usize = 200;

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

//! The poll loop: a first heartbeat to prove the credential, then ask for a task, run it,
//! and ask again, until stopped or refused for good.
//!
//! The connectivity heartbeat runs beside it; a fatal answer there ends the loop even in
//! the middle of a task, since the server will accept nothing more from this worker.

use std::sync::Arc;
use std::time::Duration;

use edge_protocol::api::{ApiError, ErrorCode, RuntimeState};
use tokio::sync::watch;

use super::{AbortOnDrop, Context, TaskEnd, heartbeat, retry, seconds, task, until_set};
use crate::backoff::Backoff;
use crate::client::{ClientError, EdgeApi};
use crate::config::ConfigFile;
use crate::failure::{Failure, worker_action};

/// How many times `--once` tries an unreachable server before giving up: a script wants an
/// answer, not an agent that waits forever.
const ONCE_ATTEMPTS: u32 = 5;

/// While quarantined, ask for work this many poll intervals apart, and never more often
/// than [`QUARANTINE_MIN_POLL`]: the answer will not change until the owner acts.
const QUARANTINE_POLL_FACTOR: u32 = 5;
const QUARANTINE_MIN_POLL: Duration = Duration::from_secs(60);

/// Resolves with the fatal error once the heartbeat reports one.
async fn until_fatal(fatal: &mut watch::Receiver<Option<ApiError>>) -> ApiError {
    // The borrow guard must be gone before any await, or the future is not `Send`.
    let error = fatal
        .wait_for(Option::is_some)
        .await
        .ok()
        .and_then(|error| error.clone());
    match error {
        Some(error) => error,
        None => std::future::pending().await,
    }
}

/// The loop: a first heartbeat, then tasks until stopped (or one task with `once`).
pub async fn run_loop<A: EdgeApi>(
    mut context: Context<A>,
    file: Arc<ConfigFile>,
    once: bool,
) -> Result<(), Failure> {
    let attempts = once.then_some(ONCE_ATTEMPTS);

    // The first heartbeat comes before anything else: it proves the credential, and the
    // server's answer holds the intervals everything else runs at.
    let first = tokio::select! {
        first = retry(&context.shared, "the first heartbeat", attempts, || {
            heartbeat::beat(&*context.api, &context.shared, &file)
        }) => first,
        () = until_set(&mut context.shutdown) => {
            tracing::info!("stopped before the server answered");
            return Ok(());
        }
    };
    match first {
        Ok(answer) => tracing::info!(
            status = answer.status.as_str(),
            heartbeat_seconds = answer.intervals.heartbeat_seconds,
            poll_seconds = answer.intervals.poll_seconds,
            "connected"
        ),
        Err(err) => {
            return Err(stop_on(
                &err,
                "the server did not answer the first heartbeat",
            ));
        }
    }

    let (fatal_tx, mut fatal) = watch::channel(None);
    let beats = AbortOnDrop(tokio::spawn(heartbeat::run(
        Arc::clone(&context.api),
        Arc::clone(&context.shared),
        file,
        fatal_tx,
    )));

    let result = poll(&mut context, &mut fatal, once).await;
    drop(beats);
    result
}

/// Asks for tasks and runs them, until stopped.
async fn poll<A: EdgeApi>(
    context: &mut Context<A>,
    fatal: &mut watch::Receiver<Option<ApiError>>,
    once: bool,
) -> Result<(), Failure> {
    let shared = Arc::clone(&context.shared);
    let mut backoff = Backoff::NETWORK;
    let mut quarantined = false;
    loop {
        if context.shutting_down() {
            tracing::info!("stopping: no task in hand");
            return Ok(());
        }
        let wait = match context.api.next_task().await {
            Ok(Some(leased)) => {
                backoff.reset();
                quarantined = false;
                let id = leased.id;
                shared.set_state(RuntimeState::Busy, Some(id));
                let end = tokio::select! {
                    end = task::execute(context, leased) => end,
                    error = until_fatal(fatal) => Err(error),
                };
                shared.set_state(RuntimeState::Idle, None);
                match end {
                    Err(error) => return Err(stop_fatal(&error)),
                    Ok(TaskEnd::Released) => {
                        tracing::info!(task = %id, "stopped: the task went back to the queue");
                        return Ok(());
                    }
                    Ok(_) if once => return Ok(()),
                    // More work may be queued: ask again at once.
                    Ok(_) => Duration::ZERO,
                }
            }
            Ok(None) => {
                backoff.reset();
                if quarantined {
                    tracing::info!("no longer quarantined");
                    quarantined = false;
                }
                shared.set_state(RuntimeState::Idle, None);
                if once {
                    tracing::info!("no task is queued for this worker");
                    return Ok(());
                }
                seconds(shared.intervals().poll_seconds)
            }
            Err(err) if err.is_fatal() => {
                return Err(stop_on(&err, "asking for a task"));
            }
            Err(err) if err.code() == Some(ErrorCode::WorkerQuarantined) => {
                shared.set_state(RuntimeState::Error, None);
                shared.record_error(err.class(), &err);
                let wait = seconds(shared.intervals().poll_seconds)
                    .saturating_mul(QUARANTINE_POLL_FACTOR)
                    .max(QUARANTINE_MIN_POLL);
                if !quarantined {
                    tracing::error!(
                        code = "worker_quarantined",
                        retry_in_seconds = wait.as_secs(),
                        "the server quarantined this worker after repeated task failures \
                         (worker_quarantined); {}. Heartbeats go on; asking for tasks again \
                         every few minutes",
                        worker_action("release")
                    );
                }
                quarantined = true;
                if once {
                    return Err(Failure::new(format!(
                        "the server quarantined this worker (worker_quarantined); {}",
                        worker_action("release")
                    )));
                }
                wait
            }
            Err(err) => {
                shared.set_state(RuntimeState::Error, None);
                shared.record_error(err.class(), &err);
                if once && (!err.is_retryable() || backoff.failures() + 1 >= ONCE_ATTEMPTS) {
                    return Err(stop_on(&err, "asking for a task"));
                }
                // A non-retryable answer (a 404 from a wrong URL, say) will not change soon;
                // it still gets the backoff so the log is not flooded, at most a minute apart.
                let wait = backoff.next_delay(&mut rand::rng());
                tracing::warn!(
                    error = %err,
                    retry_in_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    "asking for a task failed"
                );
                wait
            }
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = until_set(&mut context.shutdown) => {}
            error = until_fatal(fatal) => return Err(stop_fatal(&error)),
        }
    }
}

/// The failure to exit with after `err`, logged for whoever reads the logs.
fn stop_on(err: &ClientError, doing: &str) -> Failure {
    let failure = Failure::from_client(doing, err);
    tracing::error!(
        code = err.code().map(ErrorCode::as_str),
        "{}",
        failure.message
    );
    failure
}

fn stop_fatal(error: &ApiError) -> Failure {
    let failure = Failure::fatal(error);
    tracing::error!(code = error.code.as_str(), "{}", failure.message);
    failure
}

//! `edge-agent run`: the loop that keeps a worker busy.
//!
//! Three things run at once on a small tokio runtime:
//!
//! - the connectivity heartbeat ([`heartbeat`]), on its own task, at the server's interval:
//!   it keeps the worker online, brings new intervals, and rotates the credential when asked;
//! - the poll loop ([`run_loop`]): asks for a task every `poll_seconds` while idle;
//! - one task at a time ([`task`]): dataset, configs in chunks on a rayon pool, results,
//!   with its own task heartbeat.
//!
//! The backtests run on a separate rayon pool (`--max-cpus` threads) so a busy machine
//! still answers heartbeats on time. SIGTERM or SIGINT lets the current chunk finish, posts
//! its results and hands the task back; a second signal exits at once.

mod heartbeat;
mod progress;
mod task;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::Utc;
use edge_protocol::api::{
    ApiError, ErrorClass, ErrorCode, HeartbeatRequest, Intervals, MAX_ERROR_CHARS, ReportedError,
    RuntimeState,
};
use tokio::sync::watch;
use uuid::Uuid;

use crate::backoff::Backoff;
use crate::cli::RunArgs;
use crate::client::{Client, ClientError, EdgeApi};
use crate::config::{AgentConfig, ConfigFile, resolve_path};
use crate::failure::{Failure, worker_action};
use crate::transport;

pub use progress::BarAwareStderr;
pub use task::{Plan, TaskEnd, chunk_size};

/// How many times `--once` tries an unreachable server before giving up: a script wants an
/// answer, not an agent that waits forever.
const ONCE_ATTEMPTS: u32 = 5;

/// While quarantined, ask for work this many poll intervals apart, and never more often
/// than [`QUARANTINE_MIN_POLL`]: the answer will not change until the owner acts.
const QUARANTINE_POLL_FACTOR: u32 = 5;
const QUARANTINE_MIN_POLL: Duration = Duration::from_secs(60);

/// Until the first heartbeat answers; never used for long.
const STARTING_INTERVALS: Intervals = Intervals {
    heartbeat_seconds: 30,
    poll_seconds: 10,
    task_heartbeat_seconds: 30,
    lease_seconds: 300,
};

/// A server interval as a duration; a zero from a misconfigured server must not become a
/// busy loop.
pub(crate) fn seconds(value: u32) -> Duration {
    Duration::from_secs(u64::from(value.max(1)))
}

/// What the agent is doing, shared by the loop (which changes it) and the heartbeat (which
/// reports it).
#[derive(Debug)]
pub struct Shared {
    started: Instant,
    vitals: Mutex<Vitals>,
    intervals: watch::Sender<Intervals>,
    interactive: bool,
}

#[derive(Debug)]
struct Vitals {
    state: RuntimeState,
    active_task: Option<Uuid>,
    last_error: Option<ReportedError>,
}

impl Shared {
    /// `interactive`: draw progress bars (stderr is a terminal) rather than log progress.
    pub fn new(interactive: bool) -> Self {
        Self {
            started: Instant::now(),
            vitals: Mutex::new(Vitals {
                state: RuntimeState::Idle,
                active_task: None,
                last_error: None,
            }),
            intervals: watch::Sender::new(STARTING_INTERVALS),
            interactive,
        }
    }

    fn vitals(&self) -> std::sync::MutexGuard<'_, Vitals> {
        self.vitals.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn intervals(&self) -> Intervals {
        *self.intervals.borrow()
    }

    pub fn set_intervals(&self, intervals: Intervals) {
        self.intervals.send_if_modified(|current| {
            let changed = *current != intervals;
            *current = intervals;
            changed
        });
    }

    pub fn set_state(&self, state: RuntimeState, active_task: Option<Uuid>) {
        let mut vitals = self.vitals();
        vitals.state = state;
        vitals.active_task = active_task;
    }

    /// Keeps `message` as the last error, for the next heartbeat to report.
    pub fn record_error(&self, class: ErrorClass, message: &impl std::fmt::Display) {
        let message: String = message.to_string().chars().take(MAX_ERROR_CHARS).collect();
        self.vitals().last_error = Some(ReportedError {
            class,
            message,
            at: Utc::now(),
        });
    }

    pub fn last_error(&self) -> Option<ReportedError> {
        self.vitals().last_error.clone()
    }

    fn heartbeat_request(&self) -> HeartbeatRequest {
        let vitals = self.vitals();
        HeartbeatRequest {
            sent_at: Utc::now(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            platform: std::env::consts::OS.to_owned(),
            arch: std::env::consts::ARCH.to_owned(),
            state: vitals.state,
            active_task: vitals.active_task,
            uptime_seconds: self.started.elapsed().as_secs(),
            last_error: vitals.last_error.clone(),
        }
    }
}

/// Everything the loop and a task need, cheap to clone into spawned tasks.
pub struct Context<A> {
    pub api: Arc<A>,
    pub shared: Arc<Shared>,
    /// Where backtests run; its size is `--max-cpus`.
    pub pool: Arc<rayon::ThreadPool>,
    /// Becomes `true` on SIGTERM/SIGINT.
    pub shutdown: watch::Receiver<bool>,
}

impl<A> Clone for Context<A> {
    fn clone(&self) -> Self {
        Self {
            api: Arc::clone(&self.api),
            shared: Arc::clone(&self.shared),
            pool: Arc::clone(&self.pool),
            shutdown: self.shutdown.clone(),
        }
    }
}

impl<A> Context<A> {
    pub fn shutting_down(&self) -> bool {
        *self.shutdown.borrow()
    }
}

/// Resolves once `flag` is true; never, if its sender is gone (nothing can set it then).
pub(crate) async fn until_set(flag: &mut watch::Receiver<bool>) {
    if flag.wait_for(|set| *set).await.is_err() {
        std::future::pending::<()>().await;
    }
}

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

/// Calls until the call works or fails in a way retrying cannot fix. Network errors, 5xx
/// and 429 wait with [`Backoff::NETWORK`] and try again, at most `attempts` times when
/// given (forever otherwise); every failure is kept as the last error for the heartbeat.
pub(crate) async fn retry<T, F, Fut>(
    shared: &Shared,
    what: &str,
    attempts: Option<u32>,
    mut call: F,
) -> Result<T, ClientError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ClientError>>,
{
    let mut backoff = Backoff::NETWORK;
    loop {
        let err = match call().await {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        shared.record_error(err.class(), &err);
        let attempts_left = attempts.is_none_or(|limit| backoff.failures() + 1 < limit);
        if !err.is_retryable() || !attempts_left {
            return Err(err);
        }
        let delay = backoff.next_delay(&mut rand::rng());
        tracing::warn!(
            error = %err,
            retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "{what} failed; trying again"
        );
        tokio::time::sleep(delay).await;
    }
}

/// `edge-agent run`.
pub fn run(args: &RunArgs) -> Result<(), Failure> {
    let path = resolve_path(args.config.config.clone())?;
    let config = AgentConfig::load(&path)?;
    let threads = args.max_cpus.map_or_else(
        || std::thread::available_parallelism().map_or(1, NonZeroUsize::get),
        NonZeroUsize::get,
    );
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|index| format!("backtest-{index}"))
        .build()
        .map_err(|err| {
            Failure::new(format!("could not start {threads} backtest threads: {err}"))
        })?;
    let insecure = args.transport.insecure;
    transport::check(&config.server_url, insecure)
        .map_err(|problem| Failure::new(format!("server_url in {}: {problem}", path.display())))?;
    if insecure && transport::is_plain_http_elsewhere(&config.server_url) {
        tracing::warn!(server = %config.server_url, "--insecure: the credential goes over plain HTTP");
    }
    let client = Client::new(&config.server_url, config.credential.clone(), insecure)
        .map_err(|err| Failure::new(format!("could not set up the HTTP client: {err}")))?;
    // Two threads are plenty for heartbeats and HTTP; the CPUs belong to the backtests.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("edge-agent-io")
        .enable_all()
        .build()
        .map_err(|err| Failure::new(format!("could not start the async runtime: {err}")))?;

    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        worker_id = %config.worker_id,
        server = %config.server_url,
        config = %path.display(),
        threads,
        "edge agent starting"
    );
    let file = Arc::new(ConfigFile::new(path, config));
    let once = args.once;
    runtime.block_on(async move {
        let (stop, shutdown) = watch::channel(false);
        tokio::spawn(watch_signals(stop));
        let context = Context {
            api: Arc::new(client),
            shared: Arc::new(Shared::new(std::io::IsTerminal::is_terminal(
                &std::io::stderr(),
            ))),
            pool: Arc::new(pool),
            shutdown,
        };
        run_loop(context, file, once).await
    })
}

/// Waits for SIGTERM or SIGINT and asks the loop to stop; a second signal exits at once.
#[cfg(unix)]
async fn watch_signals(stop: watch::Sender<bool>) {
    use tokio::signal::unix::{SignalKind, signal};
    let (mut term, mut interrupt) = match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(term), Ok(interrupt)) => (term, interrupt),
        (Err(err), _) | (_, Err(err)) => {
            tracing::error!(error = %err, "cannot listen for SIGTERM/SIGINT; stopping will not hand tasks back");
            return;
        }
    };
    let name = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = interrupt.recv() => "SIGINT",
    };
    tracing::info!(
        "received {name}: finishing the current chunk, posting its results and handing the task back (send it again to exit at once)"
    );
    stop.send_replace(true);
    tokio::select! {
        _ = term.recv() => {},
        _ = interrupt.recv() => {},
    }
    tracing::warn!(
        "received a second signal: exiting now; a task in hand goes back to the queue when its lease expires"
    );
    std::process::exit(130);
}

#[cfg(not(unix))]
async fn watch_signals(stop: watch::Sender<bool>) {
    if tokio::signal::ctrl_c().await.is_ok() {
        tracing::info!("received Ctrl-C: finishing the current chunk, then handing the task back");
        stop.send_replace(true);
    }
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(130);
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

/// Aborts a spawned task when dropped, so a helper task never outlives what it helps.
pub(crate) struct AbortOnDrop<T>(pub tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

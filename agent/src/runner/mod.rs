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
mod poll;
mod progress;
mod shared;
mod signals;
mod task;
#[cfg(test)]
mod tests;

use std::future::Future;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::backoff::Backoff;
use crate::cli::RunArgs;
use crate::client::{Client, ClientError};
use crate::config::{AgentConfig, ConfigFile, resolve_path};
use crate::failure::Failure;
use crate::transport;

pub use poll::run_loop;
pub use progress::BarAwareStderr;
pub use shared::Shared;
pub use task::{Plan, TaskEnd, chunk_size};

/// A server interval as a duration; a zero from a misconfigured server must not become a
/// busy loop.
pub(crate) fn seconds(value: u32) -> Duration {
    Duration::from_secs(u64::from(value.max(1)))
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
        tokio::spawn(signals::watch_signals(stop));
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

/// Aborts a spawned task when dropped, so a helper task never outlives what it helps.
pub(crate) struct AbortOnDrop<T>(pub tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

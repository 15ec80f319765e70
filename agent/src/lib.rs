//! The LuckyPlans edge agent: enrols a machine as a worker, then runs the strategy
//! backtests the server hands it.
//!
//! - [`cli`]: the command line (`onboard`, `run`, `status`).
//! - [`onboard`], [`status`]: the commands of those names.
//! - [`runner`]: `run` — the heartbeat, the poll loop, and running one task.
//! - [`client`]: the typed HTTP client for `/edge/v1`, with one error type.
//! - [`transport`]: which server URLs a secret may be sent to (no plain HTTP off this
//!   machine unless `--insecure`).
//! - [`config`]: the config file (server, worker id, credential), written privately.
//! - [`backoff`]: exponential backoff with full jitter, for every retry.
//! - [`failure`]: one-line failures and the exit codes.
//! - [`logging`]: JSON or human logs on stderr.
//! - [`engine`]: the backtest engine — strategies over OHLCV candles, costs, metrics and a
//!   downsampled equity curve; deterministic, and parallel across parameter configs.

pub mod backoff;
pub mod cli;
pub mod client;
pub mod config;
pub mod engine;
pub mod failure;
pub mod logging;
pub mod onboard;
pub mod runner;
pub mod status;
pub mod transport;

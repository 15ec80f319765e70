//! Logs go to stderr: a compact human format on a terminal, one JSON object per line
//! otherwise (a service manager or container runtime collects them). stdout is left to
//! the commands' own output (`status --json`, say).
//!
//! The filter comes from `EDGE_AGENT_LOG`, then `RUST_LOG`, and is `info` without either.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::runner::BarAwareStderr;

pub fn init() {
    let filter = EnvFilter::try_from_env("EDGE_AGENT_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(BarAwareStderr);
    // `try_init`: a second call (tests) keeps the first subscriber.
    let _ = if std::io::stderr().is_terminal() {
        builder.compact().with_target(false).try_init()
    } else {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init()
    };
}

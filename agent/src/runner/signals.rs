//! Stopping on SIGTERM or SIGINT: the first signal lets the current chunk finish and the
//! task go back; a second exits at once, for an owner who does not want to wait.

use tokio::sync::watch;

/// Waits for SIGTERM or SIGINT and asks the loop to stop; a second signal exits at once.
#[cfg(unix)]
pub(super) async fn watch_signals(stop: watch::Sender<bool>) {
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
pub(super) async fn watch_signals(stop: watch::Sender<bool>) {
    if tokio::signal::ctrl_c().await.is_ok() {
        tracing::info!("received Ctrl-C: finishing the current chunk, then handing the task back");
        stop.send_replace(true);
    }
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(130);
    }
}

//! The task heartbeat: progress to the server, and cancel or lease news back.
//!
//! It runs on its own tokio task beside the chunk loop, so the lease is kept while a long
//! chunk runs; what it learns reaches the loop through a watch channel, read between chunks.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use edge_protocol::api::ApiError;
use tokio::sync::watch;
use uuid::Uuid;

use super::Stop;
use crate::backoff::Backoff;
use crate::client::EdgeApi;
use crate::runner::{Shared, seconds};

/// What the task heartbeat has learned; only ever escalates, left to right.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Signal {
    Running,
    Cancel,
    LeaseLost(String),
    Fatal(ApiError),
}

impl Signal {
    pub(super) const fn rank(&self) -> u8 {
        match self {
            Self::Running => 0,
            Self::Cancel => 1,
            Self::LeaseLost(_) => 2,
            Self::Fatal(_) => 3,
        }
    }
}

/// The task heartbeat: reports progress every `task_heartbeat_seconds` (the first at
/// once, which also tells the server the task started) and raises `signal` on a cancel,
/// a lost lease or a fatal refusal. Ends when the task does (its handle is aborted).
pub(super) async fn task_heartbeats<A: EdgeApi>(
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

//! [`Shared`]: what the agent is doing right now, written by the poll loop and the task
//! runner and read by the connectivity heartbeat.
//!
//! It is read on demand rather than sent as messages, so a heartbeat always reports the
//! latest state, however long a backtest has kept the loop busy.

use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use chrono::Utc;
use edge_protocol::api::{
    ErrorClass, HeartbeatRequest, Intervals, MAX_ERROR_CHARS, ReportedError, RuntimeState,
};
use tokio::sync::watch;
use uuid::Uuid;

/// Until the first heartbeat answers; never used for long.
const STARTING_INTERVALS: Intervals = Intervals {
    heartbeat_seconds: 30,
    poll_seconds: 10,
    task_heartbeat_seconds: 30,
    lease_seconds: 300,
};

/// What the agent is doing, shared by the loop (which changes it) and the heartbeat (which
/// reports it).
#[derive(Debug)]
pub struct Shared {
    started: Instant,
    vitals: Mutex<Vitals>,
    intervals: watch::Sender<Intervals>,
    /// Read by the task runner, which draws a bar only on a terminal.
    pub(super) interactive: bool,
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

    pub(super) fn heartbeat_request(&self) -> HeartbeatRequest {
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

//! A fake `/edge/v1` server: answers from a queue and a few switches, and logs every
//! call so a test can assert on what the agent sent.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::Utc;
use edge_protocol::api::{
    CredentialRotated, ErrorCode, HeartbeatRequest, HeartbeatResponse, LeasedTask, ResultBatch,
    ResultsAccepted, TaskHeartbeatResponse, TaskOutcome, TaskState, WorkerStatus,
};
use uuid::Uuid;

use super::{INTERVALS, SECRET, api_error, csv};
use crate::client::{ClientError, EdgeApi};
use crate::runner::task;

#[derive(Default)]
pub(super) struct Fake {
    pub(super) queue: Mutex<Vec<LeasedTask>>,
    /// Task heartbeats answer that the owner cancelled.
    pub(super) cancel: bool,
    /// The first heartbeat asks for a credential rotation.
    pub(super) rotate: bool,
    pub(super) heartbeat_error: Option<ErrorCode>,
    /// Results posts answer 503 this many times before working.
    pub(super) flaky_results: AtomicU32,
    pub(super) results_error: Option<ErrorCode>,
    pub(super) log: Mutex<Log>,
}

#[derive(Default, Debug)]
pub(super) struct Log {
    pub(super) heartbeats: u32,
    pub(super) downloads: u32,
    pub(super) task_heartbeats: Vec<u32>,
    pub(super) results: BTreeSet<u32>,
    pub(super) batches: Vec<usize>,
    pub(super) completed: u32,
    pub(super) failed: Vec<String>,
    pub(super) released: u32,
}

impl Fake {
    pub(super) fn log(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().expect("log")
    }
}

impl EdgeApi for Fake {
    async fn heartbeat(&self, _: &HeartbeatRequest) -> Result<HeartbeatResponse, ClientError> {
        if let Some(code) = self.heartbeat_error {
            return Err(api_error(code));
        }
        let first = {
            let mut log = self.log();
            log.heartbeats += 1;
            log.heartbeats == 1
        };
        Ok(HeartbeatResponse {
            received_at: Utc::now(),
            status: WorkerStatus::Online,
            intervals: INTERVALS,
            rotate_credential: self.rotate && first,
        })
    }

    async fn rotate_credential(&self) -> Result<CredentialRotated, ClientError> {
        Ok(CredentialRotated {
            credential: format!("wk_live_22222222_{SECRET}"),
            previous_valid_until: Utc::now(),
        })
    }

    async fn next_task(&self) -> Result<Option<LeasedTask>, ClientError> {
        Ok(self.queue.lock().expect("queue").pop())
    }

    async fn dataset(&self, _: Uuid, _: usize) -> Result<Vec<u8>, ClientError> {
        self.log().downloads += 1;
        Ok(csv())
    }

    async fn task_heartbeat(
        &self,
        _: Uuid,
        configs_done: u32,
    ) -> Result<TaskHeartbeatResponse, ClientError> {
        self.log().task_heartbeats.push(configs_done);
        Ok(TaskHeartbeatResponse {
            cancel_requested: self.cancel,
            lease_expires_at: Utc::now(),
        })
    }

    async fn post_results(
        &self,
        _: Uuid,
        batch: &ResultBatch,
    ) -> Result<ResultsAccepted, ClientError> {
        if self
            .flaky_results
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok()
        {
            return Err(api_error(ErrorCode::Unavailable));
        }
        if let Some(code) = self.results_error {
            return Err(api_error(code));
        }
        let mut log = self.log();
        log.batches.push(batch.results.len());
        let before = log.results.len();
        for result in &batch.results {
            assert!(result.equity_curve.len() <= task::CURVE_POINTS + 1);
            log.results.insert(result.config_id);
        }
        let accepted = u32::try_from(log.results.len() - before).expect("small");
        Ok(ResultsAccepted {
            accepted,
            duplicates: u32::try_from(batch.results.len()).expect("small") - accepted,
            configs_done: u32::try_from(log.results.len()).expect("small"),
        })
    }

    async fn complete(&self, _: Uuid) -> Result<TaskOutcome, ClientError> {
        self.log().completed += 1;
        let state = if self.cancel {
            TaskState::Cancelled
        } else {
            TaskState::Done
        };
        Ok(TaskOutcome { state })
    }

    async fn fail(&self, _: Uuid, error: &str) -> Result<TaskOutcome, ClientError> {
        self.log().failed.push(error.to_owned());
        Ok(TaskOutcome {
            state: TaskState::Failed,
        })
    }

    async fn release(&self, _: Uuid) -> Result<TaskOutcome, ClientError> {
        self.log().released += 1;
        Ok(TaskOutcome {
            state: TaskState::Queued,
        })
    }
}

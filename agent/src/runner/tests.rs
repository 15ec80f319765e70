//! The run loop and the task runner against a fake server behind [`EdgeApi`]: what gets
//! posted, completed, failed or released in each situation. Time is paused, so backoff
//! and heartbeat waits cost nothing.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use chrono::Utc;
use edge_protocol::api::{
    ApiError, CredentialRotated, DatasetRef, ErrorClass, ErrorCode, HeartbeatRequest,
    HeartbeatResponse, Intervals, LeasedTask, ResultBatch, ResultsAccepted, TaskConfig,
    TaskHeartbeatResponse, TaskOutcome, TaskState, WorkerStatus,
};
use edge_protocol::strategy::StrategyName;
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use uuid::Uuid;

use super::{Context, Shared, TaskEnd, heartbeat, run_loop, task};
use crate::client::{ClientError, EdgeApi};
use crate::config::{AgentConfig, ConfigFile};
use crate::engine::{Costs, StrategyConfig};
use crate::failure::EXIT_FATAL;

const INTERVALS: Intervals = Intervals {
    heartbeat_seconds: 5,
    poll_seconds: 2,
    task_heartbeat_seconds: 1,
    lease_seconds: 60,
};

const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef";

fn api_error(code: ErrorCode) -> ClientError {
    ClientError::Api {
        status: code.status(),
        error: ApiError::new(code, "from the fake"),
    }
}

/// 120 daily candles of a wave, enough for a few crossovers.
fn csv() -> Vec<u8> {
    let mut text = String::from("time,open,high,low,close,volume\n");
    for day in 0..120_i32 {
        let close = 100.0 + 10.0 * (f64::from(day) / 5.0).sin();
        let open = 100.0 + 10.0 * (f64::from(day - 1) / 5.0).sin();
        text.push_str(&format!(
            "{},{open},{},{},{close},1\n",
            1_700_000_000 + i64::from(day) * 86_400,
            open.max(close),
            open.min(close)
        ));
    }
    text.into_bytes()
}

fn leased(configs: u32, completed: &[u32]) -> LeasedTask {
    let data = csv();
    LeasedTask {
        id: Uuid::from_u128(7),
        strategy: StrategyName::SmaCrossover,
        costs: Costs {
            fee: 0.001,
            slippage: 0.0005,
        },
        dataset: DatasetRef {
            id: Uuid::from_u128(8),
            rows: 120,
            size_bytes: data.len() as u64,
            sha256: hex::encode(Sha256::digest(&data)),
        },
        configs: (0..configs)
            .map(|config_id| TaskConfig {
                config_id,
                config: StrategyConfig::SmaCrossover {
                    fast: 2 + (config_id % 3) as usize,
                    slow: 8 + config_id as usize,
                },
            })
            .collect(),
        completed_config_ids: completed.to_vec(),
        lease_expires_at: Utc::now(),
    }
}

#[derive(Default)]
struct Fake {
    queue: Mutex<Vec<LeasedTask>>,
    /// Task heartbeats answer that the owner cancelled.
    cancel: bool,
    /// The first heartbeat asks for a credential rotation.
    rotate: bool,
    heartbeat_error: Option<ErrorCode>,
    /// Results posts answer 503 this many times before working.
    flaky_results: AtomicU32,
    results_error: Option<ErrorCode>,
    log: Mutex<Log>,
}

#[derive(Default, Debug)]
struct Log {
    heartbeats: u32,
    downloads: u32,
    task_heartbeats: Vec<u32>,
    results: BTreeSet<u32>,
    batches: Vec<usize>,
    completed: u32,
    failed: Vec<String>,
    released: u32,
}

impl Fake {
    fn log(&self) -> std::sync::MutexGuard<'_, Log> {
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

/// A context with one backtest thread (chunks of four) around `fake`.
fn context(fake: Fake, stopping: bool) -> (Context<Fake>, watch::Sender<bool>) {
    let (stop, shutdown) = watch::channel(stopping);
    let shared = Shared::new(false);
    shared.set_intervals(INTERVALS);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let context = Context {
        api: Arc::new(fake),
        shared: Arc::new(shared),
        pool: Arc::new(pool),
        shutdown,
    };
    (context, stop)
}

async fn execute(fake: Fake, task: LeasedTask) -> (Result<TaskEnd, ApiError>, Arc<Fake>) {
    let (context, _stop) = context(fake, false);
    let end = task::execute(&context, task).await;
    (end, Arc::clone(&context.api))
}

#[tokio::test(start_paused = true)]
async fn every_config_not_yet_done_runs_and_the_task_completes() {
    let (end, fake) = execute(Fake::default(), leased(10, &[1, 4])).await;
    assert_eq!(end, Ok(TaskEnd::Completed));
    let log = fake.log();
    assert_eq!(
        log.results.iter().copied().collect::<Vec<_>>(),
        [0, 2, 3, 5, 6, 7, 8, 9]
    );
    // One thread: chunks of four, each posted before the next runs.
    assert_eq!(log.batches, [4, 4]);
    assert_eq!(log.completed, 1);
    assert!(log.failed.is_empty());
    // The first task heartbeat goes out at once and counts the configs done before.
    assert_eq!(log.task_heartbeats.first(), Some(&2));
}

#[tokio::test(start_paused = true)]
async fn a_task_with_every_result_in_completes_without_the_dataset() {
    let (end, fake) = execute(Fake::default(), leased(3, &[0, 1, 2])).await;
    assert_eq!(end, Ok(TaskEnd::Completed));
    let log = fake.log();
    assert_eq!(log.downloads, 0);
    assert!(log.results.is_empty());
    assert_eq!(log.completed, 1);
}

#[tokio::test(start_paused = true)]
async fn results_are_retried_until_the_server_takes_them() {
    let fake = Fake {
        flaky_results: AtomicU32::new(3),
        ..Fake::default()
    };
    let (context, _stop) = context(fake, false);
    let end = task::execute(&context, leased(6, &[])).await;
    assert_eq!(end, Ok(TaskEnd::Completed));
    assert_eq!(context.api.log().results.len(), 6);
    let last_error = context.shared.last_error().expect("recorded");
    assert_eq!(last_error.class, ErrorClass::Server);
    assert!(
        last_error.message.contains("unavailable"),
        "{}",
        last_error.message
    );
}

#[tokio::test(start_paused = true)]
async fn a_cancelled_task_posts_what_is_finished_and_completes() {
    let fake = Fake {
        cancel: true,
        ..Fake::default()
    };
    let (end, fake) = execute(fake, leased(40, &[])).await;
    assert_eq!(end, Ok(TaskEnd::Cancelled));
    let log = fake.log();
    assert!(log.results.len() < 40, "{} results", log.results.len());
    assert_eq!(log.completed, 1);
    assert!(log.failed.is_empty());
    assert_eq!(log.released, 0);
}

#[tokio::test(start_paused = true)]
async fn a_stopping_agent_hands_the_task_back() {
    let (context, _stop) = context(Fake::default(), true);
    let end = task::execute(&context, leased(8, &[])).await;
    assert_eq!(end, Ok(TaskEnd::Released));
    let log = context.api.log();
    assert_eq!(log.released, 1);
    assert_eq!(log.completed, 0);
    assert!(log.failed.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_lost_lease_drops_the_task_without_failing_it() {
    let fake = Fake {
        results_error: Some(ErrorCode::Conflict),
        ..Fake::default()
    };
    let (end, fake) = execute(fake, leased(8, &[])).await;
    assert_eq!(end, Ok(TaskEnd::Abandoned));
    let log = fake.log();
    assert!(log.failed.is_empty());
    assert_eq!(log.completed, 0);
    assert_eq!(log.released, 0);
}

#[tokio::test(start_paused = true)]
async fn a_dataset_that_does_not_match_its_checksum_fails_the_task() {
    let mut task = leased(4, &[]);
    task.dataset.sha256 = "0".repeat(64);
    let (end, fake) = execute(Fake::default(), task).await;
    assert_eq!(end, Ok(TaskEnd::Failed));
    let log = fake.log();
    assert_eq!(log.downloads, 3, "a mismatch is downloaded again first");
    assert_eq!(log.failed.len(), 1);
    assert!(log.failed[0].contains("SHA-256"), "{}", log.failed[0]);
    assert!(log.results.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_config_the_engine_refuses_fails_the_task() {
    let mut task = leased(4, &[]);
    task.configs[2].config = StrategyConfig::SmaCrossover { fast: 5, slow: 3 };
    let (end, fake) = execute(Fake::default(), task).await;
    assert_eq!(end, Ok(TaskEnd::Failed));
    let log = fake.log();
    assert!(
        log.failed[0].starts_with("config 2: slow"),
        "{}",
        log.failed[0]
    );
    assert_eq!(log.completed, 0);
}

#[tokio::test(start_paused = true)]
async fn bad_costs_fail_the_task() {
    let mut task = leased(4, &[]);
    task.costs.fee = 0.5;
    let (end, fake) = execute(Fake::default(), task).await;
    assert_eq!(end, Ok(TaskEnd::Failed));
    assert!(fake.log().failed[0].contains("fee"));
}

#[tokio::test(start_paused = true)]
async fn a_revoked_credential_stops_the_task_for_good() {
    let fake = Fake {
        results_error: Some(ErrorCode::CredentialRevoked),
        ..Fake::default()
    };
    let (end, fake) = execute(fake, leased(4, &[])).await;
    assert_eq!(
        end.map_err(|err| err.code),
        Err(ErrorCode::CredentialRevoked)
    );
    assert!(fake.log().failed.is_empty());
}

fn config_file(dir: &tempfile::TempDir) -> Arc<ConfigFile> {
    let path = dir.path().join("edge-agent.toml");
    let config = AgentConfig {
        server_url: "https://plans.example".to_owned(),
        worker_id: Uuid::from_u128(1),
        credential: format!("wk_live_11111111_{SECRET}"),
        display_name: "test".to_owned(),
    };
    config.save(&path).expect("save");
    Arc::new(ConfigFile::new(path, config))
}

#[tokio::test(start_paused = true)]
async fn once_runs_one_task_and_exits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fake = Fake {
        queue: Mutex::new(vec![leased(5, &[]), leased(5, &[])]),
        ..Fake::default()
    };
    let (context, _stop) = context(fake, false);
    let api = Arc::clone(&context.api);
    assert_eq!(run_loop(context, config_file(&dir), true).await, Ok(()));
    assert_eq!(api.log().completed, 1);
    assert_eq!(api.queue.lock().expect("queue").len(), 1);
}

#[tokio::test(start_paused = true)]
async fn once_with_nothing_queued_exits_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (context, _stop) = context(Fake::default(), false);
    let api = Arc::clone(&context.api);
    assert_eq!(run_loop(context, config_file(&dir), true).await, Ok(()));
    assert_eq!(api.log().heartbeats, 1);
}

#[tokio::test(start_paused = true)]
async fn a_disabled_worker_exits_with_code_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fake = Fake {
        heartbeat_error: Some(ErrorCode::WorkerDisabled),
        ..Fake::default()
    };
    let (context, _stop) = context(fake, false);
    let failure = run_loop(context, config_file(&dir), false)
        .await
        .expect_err("fatal");
    assert_eq!(failure.code, EXIT_FATAL);
    assert!(
        failure.message.contains("(worker_disabled)"),
        "{}",
        failure.message
    );
}

#[tokio::test(start_paused = true)]
async fn a_stop_while_idle_ends_the_loop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (context, stop) = context(Fake::default(), false);
    let looping = tokio::spawn(run_loop(context, config_file(&dir), false));
    tokio::time::sleep(std::time::Duration::from_secs(30)).await;
    stop.send_replace(true);
    assert_eq!(looping.await.expect("joined"), Ok(()));
}

#[tokio::test(start_paused = true)]
async fn a_requested_rotation_is_saved_to_the_config_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = config_file(&dir);
    let fake = Fake {
        rotate: true,
        ..Fake::default()
    };
    let shared = Shared::new(false);
    let answer = heartbeat::beat(&fake, &shared, &file).await.expect("beat");
    assert_eq!(answer.intervals, INTERVALS);
    assert_eq!(shared.intervals(), INTERVALS);
    let saved = AgentConfig::load(file.path()).expect("load");
    assert_eq!(saved.credential, format!("wk_live_22222222_{SECRET}"));
}

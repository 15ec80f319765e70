//! The task runner: which configs run, what is posted, and how a task ends — completed,
//! cancelled, failed, released or abandoned.

use std::sync::Arc;
use std::sync::atomic::AtomicU32;

use edge_protocol::api::{ApiError, ErrorClass, ErrorCode, LeasedTask};

use super::fake::Fake;
use super::{context, leased};
use crate::engine::StrategyConfig;
use crate::runner::{TaskEnd, task};

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

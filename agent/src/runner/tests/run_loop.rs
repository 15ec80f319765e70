//! The run loop: `--once`, a fatal refusal, a stop while idle, and a credential rotation
//! asked for by the connectivity heartbeat.

use std::sync::{Arc, Mutex};

use edge_protocol::api::ErrorCode;

use super::fake::Fake;
use super::{INTERVALS, SECRET, config_file, context, leased};
use crate::config::AgentConfig;
use crate::failure::EXIT_FATAL;
use crate::runner::{Shared, heartbeat, run_loop};

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

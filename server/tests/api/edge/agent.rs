//! The real `edge-agent` binary against the real server: unattended onboarding, a grid run
//! to completion, `kill -9` mid-task, SIGTERM mid-task, and two replicas sharing the work.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use app::fleet::ssr::tasks;

use super::support::{dataset, edge, owner, sma_task, task_over, task_state, token};
use crate::helpers::{Setup, TestApp, count, spawn_app_with};

/// The agent binary, built once per test run (a no-op when the suite built it already).
fn agent_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        // This test binary lives in <target>/<profile>/deps/.
        let exe = std::env::current_exe().expect("test binary path");
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("<target>/<profile>")
            .to_path_buf();
        let target_dir = profile_dir.parent().expect("<target>");
        let status = Command::new(env!("CARGO"))
            .args([
                "build",
                "--locked",
                "-p",
                "edge-agent",
                "--bin",
                "edge-agent",
                "--target-dir",
            ])
            .arg(target_dir)
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building edge-agent failed");
        profile_dir.join("edge-agent")
    })
}

/// Builds the agent (once) before a test starts its servers, off the async runtime.
async fn build_agent() {
    tokio::task::spawn_blocking(agent_binary)
        .await
        .expect("the build thread");
}

fn agent(config: &Path) -> Command {
    let mut command = Command::new(agent_binary());
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", config.parent().expect("config folder"))
        .env("EDGE_AGENT_LOG", "info")
        .stdin(Stdio::null());
    command
}

/// `edge-agent run … --config <config>`, quietly, in the background.
fn start_run(config: &Path, args: &[&str]) -> Child {
    agent(config)
        .arg("run")
        .args(args)
        .arg("--config")
        .arg(config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run starts")
}

fn fast_setup() -> Setup {
    let mut setup = Setup::default();
    setup.edge.poll_secs = 1;
    setup.edge.heartbeat_secs = 2;
    setup.edge.task_heartbeat_secs = 1;
    setup.edge.lease_secs = 3;
    setup
}

/// Runs a command to its end off the async runtime: the test's database proxy runs on
/// this runtime, and a blocked runtime would stall the server's queries.
async fn output(mut command: Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the command's thread")
        .expect("the command runs")
}

/// Onboards an agent without a terminal, as an unattended install does.
async fn onboard(server: &str, token: &str, name: &str, dir: &Path) -> PathBuf {
    let config = dir.join(format!("{name}.toml"));
    let mut command = agent(&config);
    command
        .args([
            "onboard", "--server", server, "--token", token, "--name", name, "--config",
        ])
        .arg(&config);
    let output = output(command).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "onboard failed: {stdout}{stderr}");
    assert!(
        !stdout.contains("wk_live_") && !stderr.contains("wk_live_"),
        "the credential is never printed"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&config)
            .expect("config written")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the config holds a secret");
    }
    config
}

fn server_url(app: &TestApp) -> String {
    format!("http://127.0.0.1:{}", app.addr.port())
}

async fn results(app: &TestApp, task_id: &str) -> i64 {
    count(
        app,
        "SELECT COUNT(DISTINCT config_id) FROM task_results WHERE task_id = $1",
        task_id,
    )
    .await
}

/// Waits for a child to exit, up to `limit`; kills it and fails the test past that.
async fn wait_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("poll the agent") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("the agent did not exit within {limit:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_for(limit: Duration, what: &str, mut check: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([name, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

#[tokio::test]
async fn an_unattended_agent_runs_a_grid_of_fifty_configs_with_one_result_each() {
    build_agent().await;
    let app = spawn_app_with(fast_setup()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (owner, _) = owner(&app, "ada@example.com").await;
    let token = token(&app, &owner, 1).await;
    let config = onboard(&server_url(&app), &token, "box-1", dir.path()).await;
    let task_id = task_over(&app, &owner, 200, "fast=2..11:1,slow=20..60:10").await;

    let mut child = start_run(&config, &["--once", "--max-cpus", "2"]);
    let status = wait_exit(&mut child, Duration::from_secs(90)).await;
    assert!(status.success(), "{status}");

    assert_eq!(task_state(&app, &task_id).await, "done");
    let task = tasks::find(edge(&app), &task_id)
        .await
        .expect("lookup")
        .expect("task");
    assert_eq!(task.configs_total, 50);
    assert_eq!(task.result_count, 50);
    assert_eq!(results(&app, &task_id).await, 50);
    assert_eq!(task.attempts, 1);

    let mut command = agent(&config);
    command.args(["status", "--json", "--config"]).arg(&config);
    let status = output(command).await;
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    assert_eq!(report["reachable"], true);
    assert_eq!(report["status"], "online");
}

#[tokio::test]
async fn a_task_survives_kill_9_and_a_second_agent_finishes_it_without_redoing_work() {
    build_agent().await;
    let app = spawn_app_with(fast_setup()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (owner, _) = owner(&app, "ada@example.com").await;
    let token = token(&app, &owner, 2).await;
    let first = onboard(&server_url(&app), &token, "box-1", dir.path()).await;
    let second = onboard(&server_url(&app), &token, "box-2", dir.path()).await;
    let task_id = task_over(&app, &owner, 3_000, "fast=1..40:1,slow=50..500:10").await;
    let total = tasks::find(edge(&app), &task_id)
        .await
        .expect("lookup")
        .expect("task")
        .configs_total;

    let mut child = start_run(&first, &["--max-cpus", "1"]);
    wait_for(Duration::from_secs(60), "the first results", async || {
        results(&app, &task_id).await > 0
    })
    .await;
    child.kill().expect("kill -9");
    let _ = child.wait();
    let done_by_first = results(&app, &task_id).await;
    assert!(
        done_by_first < total,
        "killed mid-task ({done_by_first} of {total})"
    );

    // The lease runs out and the background job puts the task back in the queue.
    wait_for(Duration::from_secs(30), "the lease to expire", async || {
        task_state(&app, &task_id).await == "queued"
    })
    .await;

    let mut child = start_run(&second, &["--once"]);
    let status = wait_exit(&mut child, Duration::from_secs(180)).await;
    assert!(status.success(), "{status}");
    assert_eq!(task_state(&app, &task_id).await, "done");
    assert_eq!(results(&app, &task_id).await, total, "no config lost");
    let rows = count(
        &app,
        "SELECT COUNT(*) FROM task_results WHERE task_id = $1",
        &task_id,
    )
    .await;
    assert_eq!(rows, total, "no config stored twice");
    let sql = "SELECT COUNT(*) FROM task_results r JOIN workers w ON w.id = r.worker_id \
               WHERE r.task_id = $1 AND w.display_name = 'box-2'";
    let by_second = count(&app, sql, &task_id).await;
    assert!(
        by_second <= total - done_by_first,
        "the second agent skipped what was done"
    );
}

#[tokio::test]
async fn sigterm_mid_task_posts_what_is_done_hands_the_task_back_and_exits_0() {
    build_agent().await;
    let app = spawn_app_with(fast_setup()).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (owner, _) = owner(&app, "ada@example.com").await;
    let token = token(&app, &owner, 1).await;
    let config = onboard(&server_url(&app), &token, "box-1", dir.path()).await;
    let task_id = task_over(&app, &owner, 3_000, "fast=1..40:1,slow=50..500:10").await;

    let mut child = start_run(&config, &["--max-cpus", "1"]);
    wait_for(Duration::from_secs(60), "the first results", async || {
        results(&app, &task_id).await > 0
    })
    .await;
    signal(&child, "-TERM");
    let status = wait_exit(&mut child, Duration::from_secs(30)).await;
    assert_eq!(status.code(), Some(0), "{status}");
    assert_eq!(
        task_state(&app, &task_id).await,
        "queued",
        "released, not left to expire"
    );
    let task = tasks::find(edge(&app), &task_id)
        .await
        .expect("lookup")
        .expect("task");
    assert!(task.result_count > 0 && task.result_count < task.configs_total);
}

#[tokio::test]
async fn two_replicas_and_four_agents_do_two_hundred_tasks_each_exactly_once() {
    build_agent().await;
    let app = spawn_app_with(fast_setup()).await;
    let replica = app.replica().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let (owner, _) = owner(&app, "ada@example.com").await;
    let token = token(&app, &owner, 4).await;
    let servers = [
        server_url(&app),
        format!("http://127.0.0.1:{}", replica.port()),
    ];
    let mut configs: Vec<PathBuf> = Vec::new();
    for index in 0..4 {
        let name = format!("box-{index}");
        configs.push(onboard(&servers[index % 2], &token, &name, dir.path()).await);
    }

    let dataset_id = dataset(&app, &owner, 80).await;
    for index in 0..200 {
        let grid = format!("fast={},slow=20..30:10", 2 + index % 5);
        tasks::create(edge(&app), &owner, &sma_task(&dataset_id, &grid))
            .await
            .expect("task");
    }
    let mut children: Vec<Child> = configs
        .iter()
        .map(|config| start_run(config, &["--max-cpus", "1"]))
        .collect();
    let done = "SELECT COUNT(*) FROM tasks WHERE owner_id = $1 AND state = 'done'";
    wait_for(
        Duration::from_secs(180),
        "every task to finish",
        async || count(&app, done, &owner.user_id).await == 200,
    )
    .await;
    for child in &children {
        signal(child, "-TERM");
    }
    for child in &mut children {
        let status = wait_exit(child, Duration::from_secs(30)).await;
        assert_eq!(status.code(), Some(0), "{status}");
    }
    let leased_once = "SELECT COUNT(*) FROM tasks WHERE owner_id = $1 AND attempts = 1 \
                       AND configs_done = configs_total";
    assert_eq!(
        count(&app, leased_once, &owner.user_id).await,
        200,
        "each task leased exactly once"
    );
    let results = "SELECT COUNT(*) FROM task_results r JOIN tasks t ON t.id = r.task_id WHERE t.owner_id = $1";
    assert_eq!(count(&app, results, &owner.user_id).await, 400);
    let workers_used = "SELECT COUNT(DISTINCT leased_by) FROM tasks WHERE owner_id = $1";
    assert!(
        count(&app, workers_used, &owner.user_id).await >= 2,
        "the work was shared"
    );
}

//! The real `edge-agent` binary against the real server: unattended onboarding, a grid run
//! to completion, `kill -9` mid-task, SIGTERM mid-task, and two replicas sharing the work.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use domain::fleet::tasks;

use super::support::{dataset, edge, luckyplans_on, owner, sma_task, task_over, task_state, token};
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

/// [`start_run`], with the agent's log (JSON lines on stderr) written to `log`.
fn start_run_logged(config: &Path, args: &[&str], log: &Path) -> Child {
    let file = std::fs::File::create(log).expect("log file");
    agent(config)
        .arg("run")
        .args(args)
        .arg("--config")
        .arg(config)
        .stdout(Stdio::null())
        .stderr(Stdio::from(file))
        .spawn()
        .expect("run starts")
}

/// The agent's log lines with this message.
fn logged(log: &Path, message: &str) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["message"] == message)
        .collect()
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

    // The lease runs out and the background job puts the task back in the queue. Counted
    // only then: a result the agent sent just before it died may still be on its way in.
    wait_for(Duration::from_secs(30), "the lease to expire", async || {
        task_state(&app, &task_id).await == "queued"
    })
    .await;
    let done_by_first = results(&app, &task_id).await;
    assert!(
        done_by_first < total,
        "killed mid-task ({done_by_first} of {total})"
    );

    let log = dir.path().join("box-2.log");
    let mut child = start_run_logged(&second, &["--once"], &log);
    let status = wait_exit(&mut child, Duration::from_secs(180)).await;
    assert!(status.success(), "{status}");
    let task = tasks::find(edge(&app), &task_id)
        .await
        .expect("lookup")
        .expect("task");
    assert_eq!(task.state.as_str(), "done");
    assert_eq!(task.attempts, 2, "leased once by each agent");
    assert_eq!(results(&app, &task_id).await, total, "no config lost");

    // What the second agent ran: the server stores a result once whoever posts it, so only
    // the agent can say whether it redid work. Its lease said what was done, and it ran the
    // rest, all of which it stored.
    let leased = logged(&log, "leased a task");
    assert_eq!(leased.len(), 1, "{leased:?}");
    assert_eq!(leased[0]["task"], task_id.as_str());
    assert_eq!(leased[0]["configs"], total);
    assert_eq!(
        leased[0]["already_done"], done_by_first,
        "the second agent skipped exactly what the first had stored"
    );
    let sql = "SELECT COUNT(*) FROM task_results r JOIN workers w ON w.id = r.worker_id \
               WHERE r.task_id = $1 AND w.display_name = 'box-2'";
    let by_second = count(&app, sql, &task_id).await;
    assert_eq!(
        by_second,
        total - done_by_first,
        "the rest came from the second"
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

    let log = dir.path().join("box-1.log");
    let mut child = start_run_logged(&config, &["--max-cpus", "1"], &log);
    wait_for(Duration::from_secs(60), "the first results", async || {
        results(&app, &task_id).await > 0
    })
    .await;
    let before = tasks::find(edge(&app), &task_id)
        .await
        .expect("lookup")
        .expect("task");
    assert!(before.leased_by.is_some() && before.lease_expires_at.is_some());
    signal(&child, "-TERM");
    let status = wait_exit(&mut child, Duration::from_secs(30)).await;
    assert_eq!(status.code(), Some(0), "{status}");

    // Handed back at once, not left to expire: none of this held before the signal.
    let task = tasks::find(edge(&app), &task_id)
        .await
        .expect("lookup")
        .expect("task");
    assert_eq!(
        task.state.as_str(),
        "queued",
        "released, not left to expire"
    );
    assert_eq!((task.leased_by, task.lease_expires_at), (None, None));
    assert!(task.result_count >= before.result_count);
    assert!(task.result_count < task.configs_total);
    // Everything the agent had finished is on the server when it says it stopped.
    let stopped = logged(
        &log,
        "stopping: posted the finished results and handed the task back",
    );
    assert_eq!(stopped.len(), 1, "{stopped:?}");
    assert_eq!(stopped[0]["configs_done"], task.result_count);
    // A clean stop is not a failure of the worker.
    let failures = count(
        &app,
        "SELECT consecutive_failures FROM workers WHERE display_name = $1",
        "box-1",
    )
    .await;
    assert_eq!(failures, 0);
}

/// A `luckyplans serve` process, stopped when dropped.
struct Replica {
    child: Child,
    url: String,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the real server binary on the test app's database and object store, with the
/// fast edge timings, and waits until it answers.
async fn start_replica(app: &TestApp) -> Replica {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let mut command = luckyplans_on(&app.config);
    command
        .env("LP_EDGE_POLL_SECS", "1")
        .env("LP_EDGE_HEARTBEAT_SECS", "2")
        .env("LP_EDGE_TASK_HEARTBEAT_SECS", "1")
        .env("LP_EDGE_LEASE_SECS", "3")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let child = command
        .arg("serve")
        .arg("--addr")
        .arg(format!("127.0.0.1:{port}"))
        .spawn()
        .expect("luckyplans starts");
    let replica = Replica {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    wait_for(
        Duration::from_secs(60),
        "the replica to answer",
        async || {
            client
                .get(format!("{}/health", replica.url))
                .send()
                .await
                .is_ok_and(|response| response.status().is_success())
        },
    )
    .await;
    replica
}

#[tokio::test]
async fn two_server_processes_and_four_agents_do_two_hundred_tasks_each_exactly_once() {
    build_agent().await;
    let app = spawn_app_with(fast_setup()).await;
    if !matches!(
        app.app_state.database(),
        domain::storage::Database::Postgres(_)
    ) {
        eprintln!(
            "skipped: two server processes need one shared PostgreSQL database \
             (set LP_TEST_DATABASE_URL)"
        );
        return;
    }
    let replicas = [start_replica(&app).await, start_replica(&app).await];
    let dir = tempfile::tempdir().expect("temp dir");
    let (owner, _) = owner(&app, "ada@example.com").await;
    let token = token(&app, &owner, 4).await;
    // Agents 0 and 2 talk only to the first process, 1 and 3 only to the second.
    let mut configs: Vec<PathBuf> = Vec::new();
    for index in 0..4 {
        let name = format!("box-{index}");
        configs.push(onboard(&replicas[index % 2].url, &token, &name, dir.path()).await);
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
    // Each process handed out tasks: its agents hold the leases it granted.
    for (index, replica) in replicas.iter().enumerate() {
        let names = if index == 0 {
            "('box-0', 'box-2')"
        } else {
            "('box-1', 'box-3')"
        };
        let sql = format!(
            "SELECT COUNT(*) FROM tasks t JOIN workers w ON w.id = t.leased_by \
             WHERE t.owner_id = $1 AND w.display_name IN {names}"
        );
        let leased = count(&app, &sql, &owner.user_id).await;
        assert!(leased > 0, "{} leased no task", replica.url);
    }
}

//! The binary itself: configuration errors, and a clean stop on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn luckyplans() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_luckyplans"));
    let data = tempfile::tempdir().expect("temp dir").keep();
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LP_DATA_DIR", data)
        .env("LP_LOG", "info")
        .current_dir(std::env::temp_dir());
    command
}

fn run_to_end(command: &mut Command) -> (Option<i32>, String) {
    let output = command.output().expect("run luckyplans");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn an_invalid_setting_stops_the_process_with_one_line_naming_it() {
    for (name, value, expected) in [
        ("LP_ADDR", "not-an-address", "LP_ADDR"),
        ("LP_BASE_DOMAIN", "https://x.y", "LP_BASE_DOMAIN"),
        ("LP_ENV", "staging", "LP_ENV"),
        ("LP_LOG_FORMAT", "xml", "LP_LOG_FORMAT"),
        ("DATABASE_URL", "mysql://root:hunter2@db/x", "DATABASE_URL"),
        ("LP_S3_BUCKET", "b", "LP_S3_ACCESS_KEY_ID"),
    ] {
        let (code, stderr) = run_to_end(luckyplans().env(name, value));
        assert_eq!(code, Some(2), "{name}={value}: {stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{name}: one line, got {stderr}");
        assert!(lines[0].contains(expected), "{name}: {stderr}");
        assert!(
            !stderr.contains("hunter2"),
            "{name}: secret leaked: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn an_unreachable_database_is_a_clear_error_at_start_without_the_password() {
    let (code, stderr) = run_to_end(
        luckyplans()
            .env("LP_ADDR", "127.0.0.1:0")
            .env("DATABASE_URL", "postgres://lp:hunter2@127.0.0.1:1/lp"),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("database (postgres) is unreachable"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn unreachable_redis_and_s3_are_clear_errors_at_start() {
    let (code, stderr) = run_to_end(
        luckyplans()
            .env("LP_ADDR", "127.0.0.1:0")
            .env("REDIS_URL", "redis://:hunter2@127.0.0.1:1"),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("session store (redis) is unreachable"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");

    let (code, stderr) = run_to_end(
        luckyplans()
            .env("LP_ADDR", "127.0.0.1:0")
            .env("LP_S3_ENDPOINT", "http://127.0.0.1:1")
            .env("LP_S3_BUCKET", "b")
            .env("LP_S3_ACCESS_KEY_ID", "ak")
            .env("LP_S3_SECRET_ACCESS_KEY", "hunter2"),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("object store (s3) is unreachable"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        listener.local_addr().expect("addr").port()
    };
    let mut child = luckyplans()
        .arg("serve")
        .arg("--addr")
        .arg(format!("127.0.0.1:{port}"))
        .env("LP_LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let started = Instant::now();
    let mut up = false;
    while started.elapsed() < Duration::from_secs(30) {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            up = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(up, "the server did not start listening");

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let stopping = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(10),
            "no exit within 10 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(status.success(), "{status}: {stderr}");
    let last: serde_json::Value =
        serde_json::from_str(stderr.lines().last().expect("a log line")).expect("JSON log lines");
    assert_eq!(last["message"], "shutdown complete", "{stderr}");
    assert!(
        stderr.contains("\"request_id\"") || stderr.contains("listening"),
        "{stderr}"
    );
}

#[test]
fn the_configuration_file_is_read_and_its_mistakes_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("luckyplans.toml");

    std::fs::write(&file, "addr = \"nowhere\"\n").expect("write");
    let (code, stderr) = run_to_end(luckyplans().arg("--config").arg(&file));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("addr in "), "{stderr}");
    assert!(stderr.contains("luckyplans.toml"), "{stderr}");

    std::fs::write(&file, "base_domian = \"typo.example\"\n").expect("write");
    let (code, stderr) = run_to_end(luckyplans().arg("--config").arg(&file));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("unknown setting `base_domian`"), "{stderr}");

    // The environment wins over the file.
    std::fs::write(&file, "base_domain = \"https://bad\"\n").expect("write");
    let (code, stderr) = run_to_end(
        luckyplans()
            .arg("--config")
            .arg(&file)
            .env("LP_BASE_DOMAIN", "-also-bad"),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("\"-also-bad\""), "{stderr}");

    let (code, stderr) = run_to_end(
        luckyplans()
            .arg("--config")
            .arg(dir.path().join("missing.toml")),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--config"), "{stderr}");
}

/// Runs `luckyplans user …` on a data folder with `stdin` as its input.
fn user_command(
    data: &std::path::Path,
    args: &[&str],
    stdin: &str,
) -> (Option<i32>, String, String) {
    command_in(data, "user", args, stdin)
}

/// Runs `luckyplans <group> --data-dir <data> …` with `stdin` as its input.
fn command_in(
    data: &std::path::Path,
    group: &str,
    args: &[&str],
    stdin: &str,
) -> (Option<i32>, String, String) {
    use std::io::Write;
    let mut child = luckyplans()
        .arg(group)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("LP_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let output = child.wait_with_output().expect("output");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn audit_actions(data: &std::path::Path) -> Vec<(String, String)> {
    let url = format!("sqlite://{}", data.join("luckyplans.db").display());
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(async {
            let pool = sqlx::SqlitePool::connect(&url)
                .await
                .expect("open the database");
            sqlx::query_as("SELECT action, details FROM audit_log ORDER BY id")
                .fetch_all(&pool)
                .await
                .expect("audit rows")
        })
}

#[test]
fn user_commands_bootstrap_an_administrator_and_disable_accounts() {
    let data = tempfile::tempdir().expect("temp dir");
    let data = data.path();
    let password = "copper kettle orbits lazily\n";

    let (code, stdout, stderr) = user_command(
        data,
        &[
            "create",
            "--email",
            "Root@Example.org",
            "--admin",
            "--password-stdin",
        ],
        password,
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.starts_with("created root@example.org ("), "{stdout}");
    assert!(stdout.trim_end().ends_with("as admin"), "{stdout}");
    assert!(!stderr.contains("copper"), "the password is never printed");

    let (code, _, stderr) = user_command(
        data,
        &["create", "--email", "root@example.org", "--password-stdin"],
        password,
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--email: An account with this email already exists."),
        "{stderr}"
    );

    let (code, _, stderr) = user_command(
        data,
        &["create", "--email", "weak@example.org", "--password-stdin"],
        "password123\n",
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("password: "), "{stderr}");
    assert!(!stderr.contains("password123"), "{stderr}");

    let (code, _, stderr) = user_command(data, &["create", "--email", "x@example.org"], "");
    assert_eq!(
        code,
        Some(2),
        "the password never comes from the command line"
    );
    assert!(stderr.contains("--password-stdin"), "{stderr}");

    let (code, stdout, stderr) = user_command(
        data,
        &["set-role", "--email", "root@example.org", "--role", "user"],
        "",
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.trim(), "root@example.org is now user");
    let (code, _, stderr) = user_command(
        data,
        &["set-role", "--email", "root@example.org", "--role", "owner"],
        "",
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("owner"), "{stderr}");

    let (code, _, stderr) = user_command(data, &["disable", "--email", "nobody@example.org"], "");
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("no account has the email nobody@example.org"),
        "{stderr}"
    );
    let (code, stdout, stderr) =
        user_command(data, &["disable", "--email", "root@example.org"], "");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("is disabled"), "{stdout}");
    let (code, stdout, _) = user_command(data, &["enable", "--email", "root@example.org"], "");
    assert_eq!(code, Some(0));
    assert!(stdout.contains("is enabled"), "{stdout}");

    let actions = audit_actions(data);
    let names: Vec<&str> = actions.iter().map(|(action, _)| action.as_str()).collect();
    assert_eq!(
        names,
        [
            "user_created",
            "role_change",
            "user_disabled",
            "user_enabled"
        ]
    );
    assert!(
        actions
            .iter()
            .all(|(_, details)| details.contains("\"via\":\"cli\""))
    );
}

#[test]
fn fleet_commands_create_a_token_a_dataset_and_a_task_and_show_it() {
    let data = tempfile::tempdir().expect("temp dir");
    let data = data.path();
    let (code, _, stderr) = user_command(
        data,
        &["create", "--email", "ops@example.org", "--password-stdin"],
        "copper kettle orbits lazily\n",
    );
    assert_eq!(code, Some(0), "{stderr}");

    let owner = ["--owner", "ops@example.org"];
    let (code, token, stderr) = command_in(
        data,
        "token",
        &[
            &["create", "--max-uses", "2", "--expires-in", "30m"][..],
            &owner,
        ]
        .concat(),
        "",
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert!(token.trim().starts_with("etr_live_"), "{token}");

    let csv = data.join("candles.csv");
    let mut rows = String::from("time,open,high,low,close,volume\n");
    for day in 0..40 {
        let time = 1_700_000_000 + day * 86_400;
        let close = 100 + day % 5;
        rows.push_str(&format!(
            "{time},{close},{},{},{close},10\n",
            close + 1,
            close - 1
        ));
    }
    std::fs::write(&csv, rows).expect("write csv");
    let csv = csv.to_str().expect("utf-8 path");
    let (code, dataset, stderr) = command_in(
        data,
        "dataset",
        &[&["import"][..], &owner, &[csv]].concat(),
        "",
    );
    assert_eq!(code, Some(0), "{stderr}");
    let dataset = dataset.trim().to_owned();
    assert_eq!(dataset.len(), 36, "a uuid: {dataset}");

    let create = |grid: &str| {
        command_in(
            data,
            "task",
            &[
                &[
                    "create",
                    "--dataset",
                    &dataset,
                    "--strategy",
                    "sma_crossover",
                    "--grid",
                    grid,
                ][..],
                &owner,
            ]
            .concat(),
            "",
        )
    };
    let (code, task, stderr) = create("fast=5..20:5,slow=20..60:10");
    assert_eq!(code, Some(0), "{stderr}");
    let task = task.trim().to_owned();

    let (code, shown, stderr) = command_in(data, "task", &["show", &task, "--json"], "");
    assert_eq!(code, Some(0), "{stderr}");
    let shown: serde_json::Value = serde_json::from_str(&shown).expect("json");
    assert_eq!(shown["id"], task.as_str());
    assert_eq!(shown["state"], "queued");
    assert_eq!(shown["configs_done"], 0);
    assert_eq!(shown["configs_total"], 19);
    assert_eq!(shown["result_count"], 0);

    let (code, _, stderr) = create("fast=5..20");
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--grid: fast: a range needs a step"),
        "{stderr}"
    );
    std::fs::write(
        data.join("bad.csv"),
        "time,open,high,low,close,volume\n1,1,1,1,1,1\n1,1,1,1,1,1\n",
    )
    .expect("write");
    let bad = data.join("bad.csv");
    let (code, _, stderr) = command_in(
        data,
        "dataset",
        &[&["import"][..], &owner, &[bad.to_str().expect("path")]].concat(),
        "",
    );
    assert_eq!(code, Some(2));
    assert!(stderr.contains("line 3: time 1 is not after"), "{stderr}");

    // Files in other shapes are detected as for an upload, and the flags correct it.
    let import = |file: &str, text: &str, flags: &[&str]| {
        let path = data.join(file);
        std::fs::write(&path, text).expect("write");
        let path = path.to_str().expect("path").to_owned();
        command_in(
            data,
            "dataset",
            &[&["import"][..], &owner, flags, &[path.as_str()]].concat(),
            "",
        )
    };
    let pandas =
        ",Open,High,Low,Close,Volume\n2024-01-02,10,11,9,10.5,5\n2024-01-03,10.5,12,10,11,6\n";
    let (code, _, stderr) = import("pandas.csv", pandas, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let unnamed = "a;b;c;d;e\n1704153600;10;11;9;10,5\n1704240000;10,5;12;10;11\n";
    let (code, _, stderr) = import("unnamed.csv", unnamed, &[]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("line 1: the header `a,b,c,d,e` names no open"),
        "{stderr}"
    );
    let columns = ["--columns", "time=1,open=2,high=3,low=4,close=5"];
    let (code, _, stderr) = import("unnamed.csv", unnamed, &columns);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = import("unnamed.csv", unnamed, &["--delimiter", "pipe"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("comma, semicolon or tab"), "{stderr}");
    let (code, _, stderr) = command_in(
        data,
        "token",
        &["create", "--owner", "nobody@example.org"],
        "",
    );
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--owner: no account has the email nobody@example.org"),
        "{stderr}"
    );
    let (code, _, stderr) = command_in(data, "task", &["cancel", &task], "");
    assert_eq!(code, Some(0), "{stderr}");
    let (_, shown, _) = command_in(data, "task", &["show", &task], "");
    assert!(shown.contains("cancelled"), "{shown}");
}

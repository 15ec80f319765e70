//! The `edge-agent` binary as a person or a service manager runs it: where it looks for its
//! config, and where it refuses to send its secrets. No server is involved: every case
//! here ends before a request leaves the machine, or against a port nobody listens on.

use std::path::Path;
use std::process::{Command, Output};

const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef";

/// Not loopback by the rule (the unspecified address), yet on Linux a connection to it
/// reaches this machine, where nothing listens on port 1: refused at once, never sent out.
const PLAIN_ELSEWHERE: &str = "http://0.0.0.0:1";

/// The agent with nothing of the caller's environment but PATH and the given HOME.
fn agent(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_edge-agent"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("EDGE_AGENT_LOG", "error");
    command
}

fn run(command: &mut Command) -> (Output, String, String) {
    let output = command.output().expect("the agent runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output, stdout, stderr)
}

fn write_config(path: &Path, server_url: &str) {
    std::fs::write(
        path,
        format!(
            "server_url = \"{server_url}\"\nworker_id = \"00000000-0000-0000-0000-000000001234\"\n\
             credential = \"wk_live_0a1b2c3d_{SECRET}\"\ndisplay_name = \"test\"\n"
        ),
    )
    .expect("write the config");
}

#[test]
fn without_config_the_agent_looks_in_the_config_folder_of_home() {
    let home = tempfile::tempdir().expect("tempdir");
    let (output, stdout, _) = run(agent(home.path()).arg("status"));
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let expected = home.path().join(".config/luckyplans/edge-agent.toml");
    assert!(
        stdout.starts_with(&format!("config     {}\n", expected.display())),
        "{stdout}"
    );
    assert!(stdout.contains("edge-agent onboard"), "{stdout}");
}

#[test]
fn onboarding_refuses_plain_http_to_another_host_before_anything_is_sent() {
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("agent.toml");
    let (output, stdout, stderr) = run(agent(home.path())
        .args(["onboard", "--server", PLAIN_ELSEWHERE, "--name", "box"])
        .args(["--token", &format!("etr_live_0a1b2c3d_{SECRET}")])
        .arg("--config")
        .arg(&config));
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("--server: refusing"), "{stderr}");
    assert!(stderr.contains("--insecure"), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
    assert!(!config.exists());
}

#[test]
fn run_and_status_refuse_a_plain_http_config_unless_insecure() {
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("agent.toml");
    write_config(&config, PLAIN_ELSEWHERE);

    for command in [&["run", "--once"][..], &["status"]] {
        let (output, stdout, stderr) = run(agent(home.path())
            .args(command)
            .arg("--config")
            .arg(&config));
        let command = command[0];
        assert_eq!(output.status.code(), Some(1), "{command}: {stdout}{stderr}");
        assert!(stderr.contains("server_url in"), "{command}: {stderr}");
        assert!(
            stderr.contains("EDGE_AGENT_INSECURE=1"),
            "{command}: {stderr}"
        );
    }

    // The variable works like the flag: status gets as far as asking, and finds nobody.
    let (output, stdout, stderr) = run(agent(home.path())
        .env("EDGE_AGENT_INSECURE", "1")
        .args(["status", "--config"])
        .arg(&config));
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(!stderr.contains("refusing"), "{stderr}");
    assert!(stdout.contains("(not reachable)"), "{stdout}");

    // Loopback needs no flag.
    write_config(&config, "http://127.0.0.1:1");
    let (_, stdout, stderr) = run(agent(home.path()).args(["status", "--config"]).arg(&config));
    assert!(!stderr.contains("refusing"), "{stderr}");
    assert!(stdout.contains("(not reachable)"), "{stdout}");
}

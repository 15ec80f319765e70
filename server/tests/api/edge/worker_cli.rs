//! `luckyplans worker …` run as its own process on the test server's database: it lists
//! only the named account's workers, its changes take effect on the running server's edge
//! API, refusals are one clear line with exit code 2, and every change is audited.

use serde_json::Value;

use super::audit::entries;
use super::support::{call_json, heartbeat_body, luckyplans_on, owner_with_worker};
use crate::helpers::{TestApp, spawn_app};

/// Runs `luckyplans worker <args>`; returns the exit code, standard output and error.
async fn worker_command(app: &TestApp, args: &[&str]) -> (Option<i32>, String, String) {
    let mut command = luckyplans_on(&app.config);
    command.arg("worker").args(args);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the command thread")
        .expect("run luckyplans");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn heartbeat(app: &TestApp, credential: &str) -> (u16, Value) {
    call_json(app, "/heartbeat", credential, &heartbeat_body()).await
}

#[tokio::test]
async fn worker_commands_list_and_change_workers_and_every_fleet_change_is_audited() {
    let app = spawn_app().await;
    let (ada, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let (_, _, other) = owner_with_worker(&app, "bob@example.com").await;
    assert_eq!(heartbeat(&app, &worker.credential).await.0, 200);

    // The list names the account's workers only.
    let (code, listed, stderr) =
        worker_command(&app, &["list", "--owner", "ada@example.com"]).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(listed.starts_with(&worker.id), "{listed}");
    assert!(
        listed.contains("  online  runner-1  linux/x86_64 v0.1.0  last heard "),
        "{listed}"
    );
    assert!(
        !listed.contains(&other.id),
        "another account's worker: {listed}"
    );
    let (code, json, stderr) =
        worker_command(&app, &["list", "--owner", "ada@example.com", "--json"]).await;
    assert_eq!(code, Some(0), "{stderr}");
    let json: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(json.as_array().map(Vec::len), Some(1), "{json}");
    assert_eq!(json[0]["id"], worker.id.as_str());
    assert_eq!(json[0]["owner_id"], ada.user_id.as_str());

    // Disabling takes effect on the running server at once; enabling undoes it.
    let (code, shown, stderr) = worker_command(&app, &["disable", &worker.id]).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(shown.contains("  disabled  "), "{shown}");
    let (status, body) = heartbeat(&app, &worker.credential).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("worker_disabled"))
    );
    let (code, _, stderr) = worker_command(&app, &["enable", &worker.id]).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(heartbeat(&app, &worker.credential).await.0, 200);

    // Revoking ends every credential of the worker; the other account's is untouched.
    let (code, _, stderr) = worker_command(&app, &["revoke", &worker.id]).await;
    assert_eq!(code, Some(0), "{stderr}");
    let (status, body) = heartbeat(&app, &worker.credential).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("credential_revoked"))
    );
    assert_eq!(heartbeat(&app, &other.credential).await.0, 200);

    // Refusals: one line naming what is wrong, exit code 2, nothing audited.
    let (code, _, stderr) = worker_command(&app, &["release", "no-such-worker"]).await;
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no such worker"), "{stderr}");
    let (code, _, stderr) = worker_command(&app, &["list", "--owner", "nobody@example.com"]).await;
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("--owner: no account has the email nobody@example.com"),
        "{stderr}"
    );

    for action in [
        "fleet_worker_disabled",
        "fleet_worker_enabled",
        "fleet_credentials_revoked",
    ] {
        let found = entries(&app, action).await;
        assert_eq!(found.len(), 1, "{action}: {found:?}");
        let (actor, subject, details) = &found[0];
        assert_eq!(actor, &None, "{action}: no signed-in actor");
        assert_eq!(subject.as_deref(), Some(ada.user_id.as_str()), "{action}");
        assert_eq!(details["id"], worker.id.as_str(), "{action}: {details}");
        assert_eq!(details["via"], "cli", "{action}: {details}");
    }
    assert!(entries(&app, "fleet_worker_released").await.is_empty());
}

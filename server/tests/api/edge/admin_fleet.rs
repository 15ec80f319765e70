//! The admin host's fleet section: every user's agents and backtests for administrators,
//! searched and filtered, with their owners named; nobody else gets a row of it.

use serde_json::Value;

use super::support::{act_on, call_json, heartbeat_body, owner_with_worker, task};
use crate::helpers::{TestApp, call, location, make_admin, page, register, sign_in, spawn_app};
use domain::fleet::workers::WorkerAction;

async fn listed(app: &TestApp, cookie: &str, path: &str, form: &[(&str, &str)]) -> Value {
    let response = call(app, path, form, Some(cookie)).await;
    let status = response.status();
    let body: Value = response.json().await.expect("json");
    assert_eq!(status, 200, "{path}: {body}");
    body
}

/// `(value, count)` pairs of a page's per-status (or per-state) counts.
fn counts(body: &Value, key: &str) -> Vec<(String, u64)> {
    body[key]
        .as_array()
        .expect("counts")
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().expect("value").to_owned(),
                pair[1].as_u64().expect("count"),
            )
        })
        .collect()
}

fn count_of(body: &Value, key: &str, value: &str) -> u64 {
    counts(body, key)
        .into_iter()
        .find(|(counted, _)| counted == value)
        .map_or(0, |(_, count)| count)
}

#[tokio::test]
async fn the_fleet_lists_are_refused_to_strangers_and_plain_users() {
    let app = spawn_app().await;
    let (_, ada, _) = owner_with_worker(&app, "ada@example.com").await;
    for path in ["admin/agents", "admin/backtests"] {
        let anonymous = call(&app, path, &[], None).await;
        assert_eq!(anonymous.status(), 401, "{path}");
        let plain = call(&app, path, &[], Some(&ada)).await;
        assert_eq!(plain.status(), 403, "{path}");
        let body: Value = plain.json().await.expect("json");
        assert_eq!(body["code"], "forbidden", "{path}");
    }
    for path in ["/fleet", "/backtests"] {
        let response = page(&app, "admin.localhost", path, None).await;
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(location(&response), format!("/login?returnTo={path}"));
        let plain = page(&app, "admin.localhost", path, Some(&ada)).await;
        assert_eq!(plain.status(), 403, "{path}");
        let html = plain.text().await.expect("html");
        assert!(
            !html.contains("runner-1"),
            "{path}: no agent for a plain user"
        );
    }
}

#[tokio::test]
async fn an_administrator_finds_every_users_agents_and_backtests_by_owner_and_status() {
    let app = spawn_app().await;
    let (ada, _, ada_worker) = owner_with_worker(&app, "ada@example.com").await;
    let (bob, _, bob_worker) = owner_with_worker(&app, "bob@example.com").await;
    let (status, body) = call_json(
        &app,
        "/heartbeat",
        &ada_worker.credential,
        &heartbeat_body(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    act_on(&app, &bob, &bob_worker, WorkerAction::Disable).await;
    let ada_task = task(&app, &ada, "fast=5,slow=20").await;
    let bob_task = task(&app, &bob, "fast=5,slow=20").await;

    register(&app, "root@example.com").await;
    make_admin(&app, "root@example.com").await;
    let root = sign_in(&app, "root@example.com", "test").await;

    let all = listed(&app, &root, "admin/agents", &[]).await;
    assert_eq!(all["total"], 2, "{all}");
    let owners: Vec<&str> = all["agents"]
        .as_array()
        .expect("agents")
        .iter()
        .map(|agent| agent["owner"]["email"].as_str().expect("owner"))
        .collect();
    assert!(owners.contains(&"ada@example.com") && owners.contains(&"bob@example.com"));
    assert_eq!(count_of(&all, "by_status", "online"), 1, "{all}");
    assert_eq!(count_of(&all, "by_status", "disabled"), 1, "{all}");

    let bobs = listed(&app, &root, "admin/agents", &[("q", "BOB@")]).await;
    assert_eq!(bobs["total"], 1, "{bobs}");
    assert_eq!(bobs["agents"][0]["worker"]["id"], bob_worker.id.as_str());
    assert_eq!(count_of(&bobs, "by_status", "online"), 0, "{bobs}");

    let disabled = listed(&app, &root, "admin/agents", &[("status", "disabled")]).await;
    assert_eq!(disabled["total"], 1, "{disabled}");
    assert_eq!(disabled["agents"][0]["worker"]["status"], "disabled");
    assert_eq!(
        count_of(&disabled, "by_status", "online"),
        1,
        "counts ignore the status filter"
    );
    let wildcard = listed(&app, &root, "admin/agents", &[("q", "%")]).await;
    assert_eq!(wildcard["total"], 0, "a % is searched for, not a wildcard");

    let refused = call(&app, "admin/agents", &[("status", "asleep")], Some(&root)).await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["fields"][0]["field"], "status", "{body}");

    let tasks = listed(&app, &root, "admin/backtests", &[]).await;
    assert_eq!(tasks["total"], 2, "{tasks}");
    assert_eq!(count_of(&tasks, "by_state", "queued"), 2, "{tasks}");
    let adas = listed(&app, &root, "admin/backtests", &[("q", "ada@")]).await;
    assert_eq!(adas["total"], 1, "{adas}");
    assert_eq!(adas["tasks"][0]["task"]["id"], ada_task.as_str());
    assert_eq!(adas["tasks"][0]["owner"]["email"], "ada@example.com");
    let done = listed(&app, &root, "admin/backtests", &[("state", "done")]).await;
    assert_eq!(done["total"], 0, "{done}");

    // The pages, rendered on the server: the lists, and anyone's detail pages.
    for (path, expected) in [
        ("/fleet".to_owned(), "bob@example.com"),
        ("/fleet?status=disabled".to_owned(), "bob@example.com"),
        (format!("/fleet/{}", bob_worker.id), "Why is it disabled?"),
        ("/backtests".to_owned(), "ada@example.com"),
        (format!("/backtests/{bob_task}"), "SMA crossover"),
    ] {
        let response = page(&app, "admin.localhost", &path, Some(&root)).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.expect("html");
        assert!(html.contains(expected), "{path}: {expected}");
        assert!(
            html.contains("data-live-since"),
            "{path}: follows the stream"
        );
    }
    // An administrator's action says so on the agent's timeline.
    let form = [("id", ada_worker.id.as_str()), ("action", "disable")];
    listed(&app, &root, "fleet/worker_action", &form).await;
    let detail = listed(&app, &root, "fleet/worker", &[("id", &ada_worker.id)]).await;
    let events = detail[1].as_array().expect("events");
    assert!(
        events
            .iter()
            .any(|event| event["kind"] == "disabled" && event["detail"] == "by an administrator"),
        "{detail}"
    );
    let other = page(&app, "admin.localhost", "/fleet?status=online", Some(&root)).await;
    let html = other.text().await.expect("html");
    assert!(
        !html.contains("bob@example.com"),
        "the filter holds on the page"
    );
}

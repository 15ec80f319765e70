//! Who may touch what: a worker only its own owner's tasks it holds; a user only their own
//! fleet; strangers nothing.

use serde_json::json;

use domain::fleet::{tasks, workers};

use super::support::{call_json, edge, lease, owner_with_worker, result, task, task_state};
use crate::helpers::call;

#[tokio::test]
async fn a_worker_cannot_touch_another_users_task_or_another_workers_lease() {
    let app = crate::helpers::spawn_app().await;
    let (ada, _, ada_worker) = owner_with_worker(&app, "ada@example.com").await;
    let (_, _, bob_worker) = owner_with_worker(&app, "bob@example.com").await;
    let task_id = task(&app, &ada, "fast=5,slow=20").await;

    // Bob's worker never gets Ada's task.
    let (_, body) = call_json(&app, "/tasks/next", &bob_worker.credential, &json!({})).await;
    assert_eq!(body["task"], serde_json::Value::Null);
    lease(&app, &ada_worker).await;

    for (action, body) in [
        ("heartbeat", json!({"configs_done": 1})),
        ("results", json!({"results": [result(0)]})),
        ("complete", json!({})),
        ("fail", json!({"error": "nope"})),
        ("release", json!({})),
    ] {
        let (status, reply) = call_json(
            &app,
            &format!("/tasks/{task_id}/{action}"),
            &bob_worker.credential,
            &body,
        )
        .await;
        assert_eq!(
            (status, reply["code"].as_str()),
            (404, Some("not_found")),
            "{action}: {reply}"
        );
    }
    let download = app
        .client
        .get(app.url(&format!("/edge/v1/tasks/{task_id}/dataset")))
        .bearer_auth(&bob_worker.credential)
        .send()
        .await
        .expect("dataset");
    assert_eq!(download.status(), 404);
    assert_eq!(task_state(&app, &task_id).await, "leased");
    let results = crate::helpers::count(
        &app,
        "SELECT COUNT(*) FROM task_results WHERE task_id = $1",
        &task_id,
    )
    .await;
    assert_eq!(results, 0);
}

/// Every fleet server function, as the server registered them.
fn fleet_functions() -> Vec<&'static str> {
    let mut paths: Vec<&'static str> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .filter(|path| path.starts_with("/api/fleet/"))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths
}

#[tokio::test]
async fn strangers_get_401_from_every_fleet_function() {
    let app = crate::helpers::spawn_app().await;
    let (ada, _, ada_worker) = owner_with_worker(&app, "ada@example.com").await;
    let task_id = task(&app, &ada, "fast=5,slow=20").await;
    let functions = fleet_functions();
    assert!(functions.len() >= 12, "{functions:?}");
    for path in functions {
        let endpoint = path.trim_start_matches("/api/");
        // Plausible arguments, so only the missing session can be the reason.
        let form = [
            ("id", task_id.as_str()),
            ("action", "disable"),
            ("name", "x"),
            ("csv", "time,open,high,low,close,volume\n"),
            ("task[dataset_id]", task_id.as_str()),
            ("task[strategy]", "sma_crossover"),
            ("task[grid]", "fast=5,slow=20"),
            ("task[fee]", "0.001"),
            ("task[slippage]", "0"),
            ("query[sort]", "sharpe"),
            ("query[descending]", "true"),
            ("query[min_trades]", "0"),
            ("query[page]", "0"),
            ("query[per_page]", "25"),
        ];
        let response = call(&app, endpoint, &form, None).await;
        assert_eq!(response.status(), 401, "{endpoint}");
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        assert_eq!(body["code"], "unauthenticated", "{endpoint}: {body}");
    }
    // Nothing changed.
    assert_eq!(task_state(&app, &task_id).await, "queued");
    lease(&app, &ada_worker).await;
}

#[tokio::test]
async fn fleet_server_functions_serve_only_the_caller_and_leave_others_things_untouched() {
    let app = crate::helpers::spawn_app().await;
    let (ada, ada_cookie, ada_worker) = owner_with_worker(&app, "ada@example.com").await;
    let (_, bob_cookie, _) = owner_with_worker(&app, "bob@example.com").await;
    let task_id = task(&app, &ada, "fast=5..10:5,slow=20").await;
    // Ada's task is running on her worker, with some progress.
    lease(&app, &ada_worker).await;
    let (status, _) = call_json(
        &app,
        &format!("/tasks/{task_id}/heartbeat"),
        &ada_worker.credential,
        &json!({"configs_done": 1}),
    )
    .await;
    assert_eq!(status, 200);
    let before = tasks::find(edge(&app), &task_id)
        .await
        .expect("lookup")
        .expect("task");

    // Bob sees none of Ada's things, by list or by id, and cannot act on them.
    let response = call(&app, "fleet/tasks", &[], Some(&bob_cookie)).await;
    let listed: serde_json::Value = response.json().await.expect("json");
    assert_eq!(listed, json!([]));
    for (endpoint, form) in [
        ("fleet/task", vec![("id", task_id.as_str())]),
        ("fleet/cancel_task", vec![("id", task_id.as_str())]),
        ("fleet/retry_task", vec![("id", task_id.as_str())]),
        ("fleet/worker", vec![("id", ada_worker.id.as_str())]),
        (
            "fleet/task_report",
            vec![
                ("id", task_id.as_str()),
                ("query[sort]", "total_return"),
                ("query[descending]", "true"),
                ("query[min_trades]", "0"),
                ("query[page]", "0"),
                ("query[per_page]", "25"),
                ("compare[0]", "0"),
            ],
        ),
        (
            "fleet/delete_dataset",
            vec![("id", before.dataset_id.as_str())],
        ),
        (
            "fleet/worker_action",
            vec![("id", ada_worker.id.as_str()), ("action", "disable")],
        ),
        (
            "fleet/worker_action",
            vec![
                ("id", ada_worker.id.as_str()),
                ("action", "revoke_credentials"),
            ],
        ),
    ] {
        let response = call(&app, endpoint, &form, Some(&bob_cookie)).await;
        assert_eq!(response.status(), 404, "{endpoint}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["code"], "not_found", "{endpoint}");
    }

    // Re-read what Bob tried to change: the task as it was, the worker enabled and working.
    let after = tasks::find(edge(&app), &task_id)
        .await
        .expect("lookup")
        .expect("task");
    assert_eq!(
        (
            after.state.as_str(),
            after.leased_by.as_deref(),
            after.configs_done,
            after.cancel_requested,
            after.attempts,
        ),
        (
            before.state.as_str(),
            Some(ada_worker.id.as_str()),
            1,
            false,
            1
        )
    );
    assert_eq!(after.lease_expires_at, before.lease_expires_at);
    let (worker, _) = workers::detail(edge(&app), &ada, &ada_worker.id)
        .await
        .expect("detail");
    assert_ne!(worker.status.as_str(), "disabled");
    let (status, body) = call_json(
        &app,
        &format!("/tasks/{task_id}/heartbeat"),
        &ada_worker.credential,
        &json!({"configs_done": 2}),
    )
    .await;
    assert_eq!(status, 200, "Ada's worker still holds its lease: {body}");
    assert_eq!(body["cancel_requested"], false);

    // Ada sees hers.
    let response = call(
        &app,
        "fleet/task",
        &[("id", task_id.as_str())],
        Some(&ada_cookie),
    )
    .await;
    assert_eq!(response.status(), 200);
    let shown: serde_json::Value = response.json().await.expect("json");
    assert_eq!(shown["configs_total"], 2);
    let response = call(&app, "fleet/workers", &[], Some(&ada_cookie)).await;
    let listed: serde_json::Value = response.json().await.expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn another_users_token_cannot_be_revoked_and_still_enrols() {
    let app = crate::helpers::spawn_app().await;
    let (ada, _, _) = owner_with_worker(&app, "ada@example.com").await;
    let (_, bob_cookie, _) = owner_with_worker(&app, "bob@example.com").await;
    let token = super::support::token(&app, &ada, 1).await;
    let token_id = token
        .trim_start_matches("etr_live_")
        .split('_')
        .next()
        .expect("id");
    let response = call(
        &app,
        "fleet/revoke_token",
        &[("id", token_id)],
        Some(&bob_cookie),
    )
    .await;
    assert_eq!(response.status(), 404);
    let revoked = crate::helpers::count(
        &app,
        "SELECT COUNT(*) FROM enrollment_tokens WHERE id = $1 AND revoked_at IS NOT NULL",
        token_id,
    )
    .await;
    assert_eq!(revoked, 0);
    super::support::enrol(&app, &token, "still-works").await;
}

#[tokio::test]
async fn another_users_failed_task_cannot_be_retried() {
    let app = crate::helpers::spawn_app().await;
    let (ada, _, ada_worker) = owner_with_worker(&app, "ada@example.com").await;
    let (_, bob_cookie, _) = owner_with_worker(&app, "bob@example.com").await;
    let task_id = task(&app, &ada, "fast=5,slow=20").await;
    lease(&app, &ada_worker).await;
    let (status, _) = call_json(
        &app,
        &format!("/tasks/{task_id}/fail"),
        &ada_worker.credential,
        &json!({"error": "out of memory"}),
    )
    .await;
    assert_eq!(status, 200);
    let response = call(
        &app,
        "fleet/retry_task",
        &[("id", task_id.as_str())],
        Some(&bob_cookie),
    )
    .await;
    assert_eq!(response.status(), 404);
    assert_eq!(task_state(&app, &task_id).await, "failed");
    let row = tasks::find(edge(&app), &task_id)
        .await
        .expect("lookup")
        .expect("task");
    assert_eq!(row.error.as_deref(), Some("out of memory"));
}

#[tokio::test]
async fn a_task_cannot_be_created_on_another_users_dataset_or_worker() {
    let app = crate::helpers::spawn_app().await;
    let (ada, _, ada_worker) = owner_with_worker(&app, "ada@example.com").await;
    let (bob, bob_cookie, _) = owner_with_worker(&app, "bob@example.com").await;
    let ada_dataset = super::support::dataset(&app, &ada, 40).await;
    let bob_dataset = super::support::dataset(&app, &bob, 40).await;
    for (dataset, worker, field) in [
        (ada_dataset.as_str(), None, "dataset"),
        (bob_dataset.as_str(), Some(ada_worker.id.as_str()), "worker"),
    ] {
        let mut form = vec![
            ("task[dataset_id]", dataset),
            ("task[strategy]", "sma_crossover"),
            ("task[grid]", "fast=5,slow=20"),
            ("task[fee]", "0.001"),
            ("task[slippage]", "0"),
        ];
        if let Some(worker) = worker {
            form.push(("task[worker_id]", worker));
        }
        let response = call(&app, "fleet/create_task", &form, Some(&bob_cookie)).await;
        assert_eq!(response.status(), 422, "{field}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["fields"][0]["field"], field, "{body}");
    }
    let tasks = crate::helpers::count(&app, "SELECT COUNT(*) FROM tasks WHERE $1 <> ''", "x").await;
    assert_eq!(tasks, 0, "no task was created");
    // Ada's worker is offered nothing.
    let (_, body) = call_json(&app, "/tasks/next", &ada_worker.credential, &json!({})).await;
    assert_eq!(body["task"], serde_json::Value::Null);
}

#[tokio::test]
async fn a_token_from_the_app_enrols_and_bad_uploads_and_grids_name_their_fields() {
    let app = crate::helpers::spawn_app().await;
    let (_, cookie, _) = owner_with_worker(&app, "ada@example.com").await;
    let response = call(
        &app,
        "fleet/create_token",
        &[("max_uses", "2")],
        Some(&cookie),
    )
    .await;
    assert_eq!(response.status(), 200);
    let created: serde_json::Value = response.json().await.expect("json");
    let token = created["token"].as_str().expect("token");
    super::support::enrol(&app, token, "from-the-app").await;
    assert_eq!(created["details"]["max_uses"], 2);

    // Datasets come through the streaming upload route (no longer a server function).
    let bad_csv = "time,open,high,low,close,volume\n1,10,11,9,10,1\n2,10,9,11,10,1\n";
    let (status, body) = super::support::upload(&app, "bad", bad_csv, Some(&cookie)).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], "dataset_invalid");
    assert_eq!(body["problems"][0]["line"], 3, "{body}");

    let good_csv = super::support::csv(30);
    let (status, dataset) = super::support::upload(&app, "good", good_csv, Some(&cookie)).await;
    assert_eq!(status, 201, "{dataset}");
    assert_eq!(dataset["rows"], 30);

    let form = [
        ("task[dataset_id]", dataset["id"].as_str().expect("id")),
        ("task[strategy]", "sma_crossover"),
        ("task[grid]", "fast=20..5:5"),
        ("task[fee]", "0.001"),
        ("task[slippage]", "0"),
    ];
    let response = call(&app, "fleet/create_task", &form, Some(&cookie)).await;
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["fields"][0]["field"], "grid", "{body}");
}

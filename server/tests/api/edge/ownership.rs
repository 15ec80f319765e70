//! Who may touch what: a worker only its own owner's tasks it holds; a user only their own
//! fleet; strangers nothing.

use serde_json::json;

use super::support::{call_json, lease, owner_with_worker, result, task, task_state};
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

#[tokio::test]
async fn fleet_server_functions_serve_only_the_caller_and_refuse_strangers() {
    let app = crate::helpers::spawn_app().await;
    let (ada, ada_cookie, ada_worker) = owner_with_worker(&app, "ada@example.com").await;
    let (_, bob_cookie, _) = owner_with_worker(&app, "bob@example.com").await;
    let task_id = task(&app, &ada, "fast=5,slow=20").await;

    // Strangers: 401 on every fleet function.
    for endpoint in [
        "fleet/tokens",
        "fleet/workers",
        "fleet/datasets",
        "fleet/tasks",
    ] {
        let response = call(&app, endpoint, &[], None).await;
        assert_eq!(response.status(), 401, "{endpoint}");
    }
    // Bob sees none of Ada's things, by list or by id, and cannot act on them.
    let response = call(&app, "fleet/tasks", &[], Some(&bob_cookie)).await;
    let tasks: serde_json::Value = response.json().await.expect("json");
    assert_eq!(tasks, json!([]));
    for (endpoint, form) in [
        ("fleet/task", vec![("id", task_id.as_str())]),
        ("fleet/cancel_task", vec![("id", task_id.as_str())]),
        ("fleet/worker", vec![("id", ada_worker.id.as_str())]),
        (
            "fleet/worker_action",
            vec![("id", ada_worker.id.as_str()), ("action", "disable")],
        ),
    ] {
        let response = call(&app, endpoint, &form, Some(&bob_cookie)).await;
        assert_eq!(response.status(), 404, "{endpoint}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["code"], "not_found", "{endpoint}");
    }
    assert_eq!(task_state(&app, &task_id).await, "queued");

    // Ada sees hers.
    let response = call(
        &app,
        "fleet/task",
        &[("id", task_id.as_str())],
        Some(&ada_cookie),
    )
    .await;
    assert_eq!(response.status(), 200);
    let task: serde_json::Value = response.json().await.expect("json");
    assert_eq!(task["configs_total"], 1);
    let response = call(&app, "fleet/workers", &[], Some(&ada_cookie)).await;
    let workers: serde_json::Value = response.json().await.expect("json");
    assert_eq!(workers.as_array().map(Vec::len), Some(1));
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

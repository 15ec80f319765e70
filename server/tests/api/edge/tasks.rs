//! The task queue from the agent's side: lease, dataset, progress, results, the end.

use app_model::fleet::Worker;
use domain::fleet::workers::{self, WorkerAction};
use domain::fleet::{Owner, queue, tasks};
use serde_json::json;

use super::support::{
    Enrolled, act_on, call, call_json, call_ok, call_refused, csv, edge, enrol, exec,
    heartbeat_body, lease, owner, owner_with_worker, result, task, task_state, token,
};
use crate::helpers::{TestApp, spawn_app};

/// Asks for the dataset of `task_id` as `worker`; the whole response, whose status says
/// whether the worker may read it and whose body is the file.
async fn download_dataset(app: &TestApp, task_id: &str, worker: &Enrolled) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/edge/v1/tasks/{task_id}/dataset")))
        .bearer_auth(&worker.credential)
        .send()
        .await
        .expect("dataset")
}

#[tokio::test]
async fn a_task_runs_from_lease_to_done_with_each_result_stored_once() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let task_id = task(&app, &owner, "fast=5..10:5,slow=20..30:10").await;
    assert_eq!(task_state(&app, &task_id).await, "queued");

    let leased = lease(&app, &worker).await;
    assert_eq!(leased["id"], task_id.as_str());
    assert_eq!(leased["strategy"], "sma_crossover");
    assert_eq!(leased["configs"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        leased["configs"][0],
        json!({"config_id": 0, "config": {"strategy": "sma_crossover", "fast": 5, "slow": 20}})
    );
    assert_eq!(leased["completed_config_ids"], json!([]));
    assert_eq!(task_state(&app, &task_id).await, "leased");

    // The dataset streams back byte for byte, matching its announced hash.
    let download = download_dataset(&app, &task_id, &worker).await;
    assert_eq!(download.status(), 200);
    assert!(
        download.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("text/csv")
    );
    let bytes = download.bytes().await.expect("body");
    assert_eq!(bytes.as_ref(), csv(60).as_bytes());
    use sha2::Digest;
    assert_eq!(
        hex::encode(sha2::Sha256::digest(&bytes)),
        leased["dataset"]["sha256"]
    );

    let path = |action: &str| format!("/tasks/{task_id}/{action}");
    let body = call_ok(
        &app,
        &path("heartbeat"),
        &worker.credential,
        &json!({"configs_done": 0}),
    )
    .await;
    assert_eq!(body["cancel_requested"], false);
    assert_eq!(task_state(&app, &task_id).await, "running");

    let batch = json!({"results": [result(0), result(1)]});
    let body = call_ok(&app, &path("results"), &worker.credential, &batch).await;
    assert_eq!(
        body,
        json!({"accepted": 2, "duplicates": 0, "configs_done": 2})
    );
    // Posting again (a retry after a lost reply) stores nothing twice.
    let batch = json!({"results": [result(1), result(2)]});
    let (_, body) = call_json(&app, &path("results"), &worker.credential, &batch).await;
    assert_eq!(
        body,
        json!({"accepted": 1, "duplicates": 1, "configs_done": 3})
    );

    let conflict = (409, "conflict");
    let body = call_refused(
        &app,
        &path("complete"),
        &worker.credential,
        &json!({}),
        conflict,
    )
    .await;
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("1 of 4")
    );

    call_json(
        &app,
        &path("results"),
        &worker.credential,
        &json!({"results": [result(3)]}),
    )
    .await;
    let body = call_ok(&app, &path("complete"), &worker.credential, &json!({})).await;
    assert_eq!(body["state"], "done");
    let shown = tasks::owned(edge(&app), &owner, &task_id)
        .await
        .expect("task")
        .to_model();
    assert_eq!(
        (shown.configs_done, shown.configs_total, shown.result_count),
        (4, 4, 4)
    );

    // An ended task takes nothing more, and the queue is empty.
    call_refused(
        &app,
        &path("results"),
        &worker.credential,
        &json!({"results": [result(0)]}),
        conflict,
    )
    .await;
    let (_, body) = call_json(&app, "/tasks/next", &worker.credential, &json!({})).await;
    assert_eq!(body["task"], serde_json::Value::Null);
}

#[tokio::test]
async fn bad_results_and_bad_paths_are_validation_errors() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let task_id = task(&app, &owner, "fast=5,slow=20").await;
    lease(&app, &worker).await;
    let path = format!("/tasks/{task_id}/results");
    let validation = (422, "validation");
    let body = call_refused(
        &app,
        &path,
        &worker.credential,
        &json!({"results": [result(7)]}),
        validation,
    )
    .await;
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .contains("config 7 does not exist")
    );
    let too_many: Vec<_> = (0..501).map(|_| result(0)).collect();
    for (path, body, refusal) in [
        (path.clone(), json!({"results": "many"}), validation),
        (
            path.clone(),
            json!({"results": too_many}),
            (413, "payload_too_large"),
        ),
        (
            "/tasks/not-a-uuid/heartbeat".to_owned(),
            json!({"configs_done": 1}),
            validation,
        ),
        (
            format!("/tasks/{task_id}/fail"),
            json!({"error": " "}),
            validation,
        ),
    ] {
        call_refused(&app, &path, &worker.credential, &body, refusal).await;
    }
    // Not JSON at all.
    let response = app
        .client
        .post(app.url(&format!("/edge/v1/tasks/{task_id}/heartbeat")))
        .bearer_auth(&worker.credential)
        .body("configs_done=1")
        .send()
        .await
        .expect("call");
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["code"], "validation");
    assert_eq!(task_state(&app, &task_id).await, "leased");
}

#[tokio::test]
async fn cancel_reaches_the_running_agent_at_its_next_task_heartbeat() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let task_id = task(&app, &owner, "fast=5..10:5,slow=20").await;
    lease(&app, &worker).await;
    let beat = format!("/tasks/{task_id}/heartbeat");
    call_json(&app, &beat, &worker.credential, &json!({"configs_done": 1})).await;

    let cancelled = tasks::cancel(edge(&app), &owner, &task_id)
        .await
        .expect("cancel");
    assert!(cancelled.cancel_requested);
    assert_eq!(task_state(&app, &task_id).await, "running");
    let (_, body) = call_json(&app, &beat, &worker.credential, &json!({"configs_done": 1})).await;
    assert_eq!(body["cancel_requested"], true);
    call_json(
        &app,
        &format!("/tasks/{task_id}/results"),
        &worker.credential,
        &json!({"results": [result(0)]}),
    )
    .await;
    let body = call_ok(
        &app,
        &format!("/tasks/{task_id}/complete"),
        &worker.credential,
        &json!({}),
    )
    .await;
    assert_eq!(body["state"], "cancelled");

    // A queued task is cancelled at once; retry puts it back.
    let queued = task(&app, &owner, "fast=5,slow=20").await;
    let cancelled = tasks::cancel(edge(&app), &owner, &queued)
        .await
        .expect("cancel");
    assert_eq!(cancelled.state.as_str(), "cancelled");
    let err = tasks::cancel(edge(&app), &owner, &queued)
        .await
        .expect_err("already ended");
    assert_eq!(err.code().as_str(), "conflict");
    let retried = tasks::retry(edge(&app), &owner, &queued)
        .await
        .expect("retry");
    assert_eq!(retried.state.as_str(), "queued");
}

#[tokio::test]
async fn an_expired_lease_goes_back_to_the_queue_and_another_worker_resumes_it() {
    let app = spawn_app().await;
    let (owner, _, first) = owner_with_worker(&app, "ada@example.com").await;
    let second = enrol(&app, &token(&app, &owner, 1).await, "runner-2").await;
    let task_id = task(&app, &owner, "fast=5..10:5,slow=20").await;
    lease(&app, &first).await;
    call_json(
        &app,
        &format!("/tasks/{task_id}/results"),
        &first.credential,
        &json!({"results": [result(0)]}),
    )
    .await;

    lose_the_lease(&app, &task_id).await;
    assert_eq!(task_state(&app, &task_id).await, "queued");

    let resumed = lease(&app, &second).await;
    assert_eq!(resumed["id"], task_id.as_str());
    assert_eq!(resumed["completed_config_ids"], json!([0]));
    // The first worker's lease is gone: its calls are refused, the task is untouched.
    call_refused(
        &app,
        &format!("/tasks/{task_id}/heartbeat"),
        &first.credential,
        &json!({"configs_done": 2}),
        (403, "forbidden"),
    )
    .await;
    let (status, _) = call_json(
        &app,
        &format!("/tasks/{task_id}/complete"),
        &first.credential,
        &json!({}),
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(task_state(&app, &task_id).await, "leased");

    // Releasing hands it back without counting a failure.
    let body = call_ok(
        &app,
        &format!("/tasks/{task_id}/release"),
        &second.credential,
        &json!({}),
    )
    .await;
    assert_eq!(body["state"], "queued");
}

#[tokio::test]
async fn three_failures_in_a_row_quarantine_the_worker_until_its_owner_releases_it() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    for attempt in 0..3 {
        let task_id = task(&app, &owner, "fast=5,slow=20").await;
        lease(&app, &worker).await;
        let body = call_ok(
            &app,
            &format!("/tasks/{task_id}/fail"),
            &worker.credential,
            &json!({"error": format!("out of memory ({attempt})")}),
        )
        .await;
        assert_eq!(body["state"], "failed");
    }
    task(&app, &owner, "fast=5,slow=20").await;
    assert_quarantined(&app, &owner, &worker).await;
    let body = call_ok(&app, "/heartbeat", &worker.credential, &heartbeat_body()).await;
    assert_eq!(body["status"], "quarantined");

    act_on(&app, &owner, &worker, WorkerAction::Release).await;
    lease(&app, &worker).await;
}

/// Asserts that `worker` is quarantined: its next lease is refused as
/// `worker_quarantined`, and its owner sees it quarantined, that being the newest event on
/// its timeline. Returns what the owner sees, for the checks a test adds.
async fn assert_quarantined(app: &TestApp, owner: &Owner, worker: &Enrolled) -> Worker {
    call_refused(
        app,
        "/tasks/next",
        &worker.credential,
        &json!({}),
        (403, "worker_quarantined"),
    )
    .await;
    let (detail, timeline) = workers::detail(edge(app), owner, &worker.id)
        .await
        .expect("detail");
    assert_eq!(detail.status.as_str(), "quarantined");
    assert_eq!(timeline[0].kind, "quarantined");
    detail
}

#[tokio::test]
async fn concurrent_workers_lease_every_task_exactly_once() {
    let app = spawn_app().await;
    let (owner, _) = owner(&app, "ada@example.com").await;
    let token = token(&app, &owner, 6).await;
    let mut workers = Vec::new();
    for index in 0..6 {
        workers.push(enrol(&app, &token, &format!("runner-{index}")).await);
    }
    let dataset = super::support::dataset(&app, &owner, 40).await;
    let mut created = Vec::new();
    for _ in 0..30 {
        let request = super::support::sma_task(&dataset, "fast=5,slow=20");
        created.push(
            tasks::create(edge(&app), &owner, &request)
                .await
                .expect("task")
                .id,
        );
    }
    let claims = workers.iter().map(|worker| {
        let app = &app;
        async move {
            let mut leased = Vec::new();
            loop {
                let response = call(app, "/tasks/next", &worker.credential, &json!({})).await;
                assert_eq!(response.status(), 200);
                let body: serde_json::Value = response.json().await.expect("json");
                match body["task"]["id"].as_str() {
                    Some(id) => leased.push(id.to_owned()),
                    None => return leased,
                }
            }
        }
    });
    let mut leased: Vec<String> = futures::future::join_all(claims).await.concat();
    leased.sort();
    created.sort();
    assert_eq!(leased, created, "every task leased once, none twice");
}

/// Makes the task's lease run out now and runs the background job's expiry.
async fn lose_the_lease(app: &TestApp, task_id: &str) {
    exec(
        app,
        "UPDATE tasks SET lease_expires_at = 1 WHERE id = $1",
        task_id,
    )
    .await;
    assert_eq!(queue::expire_leases(edge(app)).await.expect("expire"), 1);
}

#[tokio::test]
async fn a_task_whose_agents_keep_crashing_fails_after_three_attempts_with_the_reason() {
    let app = spawn_app().await;
    let (owner, _) = owner(&app, "ada@example.com").await;
    let token = token(&app, &owner, 3).await;
    let task_id = task(&app, &owner, "fast=5,slow=20").await;
    let mut crashed = Vec::new();
    for attempt in 1..=3 {
        let worker = enrol(&app, &token, &format!("runner-{attempt}")).await;
        let leased = lease(&app, &worker).await;
        assert_eq!(leased["id"], task_id.as_str());
        lose_the_lease(&app, &task_id).await;
        let expected = if attempt < 3 { "queued" } else { "failed" };
        assert_eq!(
            task_state(&app, &task_id).await,
            expected,
            "attempt {attempt}"
        );
        crashed.push(worker);
    }
    let row = tasks::find(edge(&app), &task_id)
        .await
        .expect("lookup")
        .expect("task");
    assert_eq!(row.attempts, 3);
    assert!(row.finished_at.is_some());
    let error = row.error.unwrap_or_default();
    assert!(error.contains("gave up after 3 attempts"), "{error}");
    // Nobody gets it again.
    let (_, body) = call_json(&app, "/tasks/next", &crashed[0].credential, &json!({})).await;
    assert_eq!(body["task"], serde_json::Value::Null);
    // Each crash is on its worker's record and timeline.
    for worker in &crashed {
        let failures = crate::helpers::count(
            &app,
            "SELECT consecutive_failures FROM workers WHERE id = $1",
            &worker.id,
        )
        .await;
        assert_eq!(failures, 1);
        assert_eq!(
            super::support::events(&app, &worker.id, "lease_expired").await,
            1
        );
    }
}

#[tokio::test]
async fn the_attempt_cap_is_a_setting() {
    let mut setup = crate::helpers::Setup::default();
    setup.edge.max_attempts = 1;
    let app = crate::helpers::spawn_app_with(setup).await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let task_id = task(&app, &owner, "fast=5,slow=20").await;
    lease(&app, &worker).await;
    lose_the_lease(&app, &task_id).await;
    assert_eq!(task_state(&app, &task_id).await, "failed");
}

#[tokio::test]
async fn three_crashes_in_a_row_quarantine_the_worker() {
    let mut setup = crate::helpers::Setup::default();
    setup.edge.max_attempts = 10;
    let app = crate::helpers::spawn_app_with(setup).await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let task_id = task(&app, &owner, "fast=5,slow=20").await;
    for crash in 1..=3 {
        lease(&app, &worker).await;
        lose_the_lease(&app, &task_id).await;
        // One crash is not the task's fault: it goes back to the queue.
        assert_eq!(task_state(&app, &task_id).await, "queued", "crash {crash}");
    }
    let detail = assert_quarantined(&app, &owner, &worker).await;
    assert_eq!(detail.consecutive_failures, 3);
}

#[tokio::test]
async fn calls_on_an_expired_lease_are_refused_before_the_background_job_runs() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let task_id = task(&app, &owner, "fast=5..10:5,slow=20").await;
    lease(&app, &worker).await;
    let path = |action: &str| format!("/tasks/{task_id}/{action}");
    call_json(
        &app,
        &path("heartbeat"),
        &worker.credential,
        &json!({"configs_done": 1}),
    )
    .await;
    // The lease ran out; the task still names this worker until the job hands it back.
    let expired = format!(
        "UPDATE tasks SET lease_expires_at = {} WHERE id = $1",
        chrono::Utc::now().timestamp() - 5
    );
    exec(&app, &expired, &task_id).await;
    for (action, body) in [
        ("heartbeat", json!({"configs_done": 2})),
        ("results", json!({"results": [result(0)]})),
        ("complete", json!({})),
        ("fail", json!({"error": "late"})),
        ("release", json!({})),
    ] {
        let reply = call_refused(
            &app,
            &path(action),
            &worker.credential,
            &body,
            (403, "forbidden"),
        )
        .await;
        assert!(
            reply["message"]
                .as_str()
                .unwrap_or_default()
                .contains("expired"),
            "{action}: {reply}"
        );
    }
    let download = download_dataset(&app, &task_id, &worker).await;
    assert_eq!(download.status(), 403);
    let row = tasks::find(edge(&app), &task_id)
        .await
        .expect("lookup")
        .expect("task");
    assert_eq!(
        (row.state.as_str(), row.configs_done, row.result_count),
        ("running", 1, 0),
        "nothing written through the expired lease"
    );
    assert!(row.lease_expires_at.unwrap_or_default() < chrono::Utc::now().timestamp());
}

#[tokio::test]
async fn progress_never_goes_backwards() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let task_id = task(&app, &owner, "fast=5..10:5,slow=20..30:10").await;
    lease(&app, &worker).await;
    let path = |action: &str| format!("/tasks/{task_id}/{action}");
    let configs_done = async || {
        tasks::find(edge(&app), &task_id)
            .await
            .expect("lookup")
            .expect("task")
            .configs_done
    };
    call_json(
        &app,
        &path("heartbeat"),
        &worker.credential,
        &json!({"configs_done": 3}),
    )
    .await;
    assert_eq!(configs_done().await, 3);
    // One result stored: the count of stored results is lower than the progress reported.
    let body = call_ok(
        &app,
        &path("results"),
        &worker.credential,
        &json!({"results": [result(0)]}),
    )
    .await;
    assert_eq!(body["configs_done"], 3, "{body}");
    assert_eq!(configs_done().await, 3);
    // A late, older report changes nothing either.
    call_json(
        &app,
        &path("heartbeat"),
        &worker.credential,
        &json!({"configs_done": 1}),
    )
    .await;
    assert_eq!(configs_done().await, 3);
}

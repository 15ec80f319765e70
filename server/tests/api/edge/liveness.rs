//! Heartbeats, derived status and the worker timeline.

use app_model::fleet::WorkerStatus;
use domain::fleet::{liveness, workers};
use serde_json::json;

use super::support::{call_json, edge, events, exec, heartbeat_body, owner_with_worker};
use crate::helpers::spawn_app;

#[tokio::test]
async fn a_heartbeat_records_clock_skew_address_state_and_the_last_error() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let mut body = heartbeat_body();
    body["sent_at"] = json!(chrono::Utc::now() + chrono::Duration::seconds(90));
    body["state"] = json!("error");
    body["last_error"] = json!({
        "class": "network",
        "message": "x".repeat(800),
        "at": chrono::Utc::now(),
    });
    let (status, reply) = call_json(&app, "/heartbeat", &worker.credential, &body).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["status"], "online");
    assert_eq!(reply["intervals"]["heartbeat_seconds"], 15);

    let (detail, timeline) = workers::detail(edge(&app), &owner, &worker.id)
        .await
        .expect("detail");
    assert_eq!(detail.status, WorkerStatus::Online);
    assert_eq!(detail.runtime_state, "error");
    assert_eq!(detail.last_ip.as_deref(), Some("127.0.0.1"));
    let skew = detail.clock_skew_ms.expect("skew");
    assert!((85_000..=95_000).contains(&skew), "{skew}");
    assert_eq!(detail.last_error.as_deref().map(str::len), Some(500));
    assert_eq!(detail.last_error_class.as_deref(), Some("network"));
    let kinds: Vec<&str> = timeline.iter().map(|event| event.kind.as_str()).collect();
    assert_eq!(kinds, ["error_reported", "online", "registered"]);

    // The same error again is not a new event; a healthy heartbeat keeps the last error.
    call_json(&app, "/heartbeat", &worker.credential, &body).await;
    call_json(&app, "/heartbeat", &worker.credential, &heartbeat_body()).await;
    assert_eq!(events(&app, &worker.id, "error_reported").await, 1);
    assert_eq!(events(&app, &worker.id, "online").await, 1);

    let info = app
        .client
        .get(app.url("/edge/v1/worker"))
        .bearer_auth(&worker.credential)
        .send()
        .await
        .expect("worker");
    assert_eq!(info.status(), 200);
    let info: serde_json::Value = info.json().await.expect("json");
    assert_eq!(info["worker_id"], worker.id.as_str());
    assert_eq!(info["status"], "online");
}

#[tokio::test]
async fn a_silent_worker_goes_stale_then_offline_and_the_timeline_says_when() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    call_json(&app, "/heartbeat", &worker.credential, &heartbeat_body()).await;

    let silent_for = |seconds: i64| {
        let sql = format!(
            "UPDATE workers SET last_seen_at = {} WHERE id = $1",
            chrono::Utc::now().timestamp() - seconds
        );
        let app = &app;
        let id = worker.id.clone();
        async move { exec(app, &sql, &id).await }
    };
    silent_for(120).await;
    assert_eq!(liveness::sweep(edge(&app)).await.expect("sweep"), 1);
    let (detail, _) = workers::detail(edge(&app), &owner, &worker.id)
        .await
        .expect("detail");
    assert_eq!(detail.status, WorkerStatus::Stale);
    // A second sweep records nothing new.
    assert_eq!(liveness::sweep(edge(&app)).await.expect("sweep"), 0);

    silent_for(600).await;
    assert_eq!(liveness::sweep(edge(&app)).await.expect("sweep"), 1);
    let (detail, timeline) = workers::detail(edge(&app), &owner, &worker.id)
        .await
        .expect("detail");
    assert_eq!(detail.status, WorkerStatus::Offline);
    assert_eq!(timeline[0].kind, "offline");
    assert!(
        timeline[0]
            .detail
            .as_deref()
            .unwrap_or_default()
            .contains("600 s ago")
    );
    assert_eq!(timeline[1].kind, "stale");

    // Heard from again: online, with an event.
    call_json(&app, "/heartbeat", &worker.credential, &heartbeat_body()).await;
    assert_eq!(events(&app, &worker.id, "online").await, 2);
}

#[tokio::test]
async fn steady_heartbeats_from_many_workers_are_all_written_with_their_latest_values() {
    let app = spawn_app().await;
    let (owner, _) = super::support::owner(&app, "ada@example.com").await;
    let token = super::support::token(&app, &owner, 40).await;
    let mut workers = Vec::new();
    for index in 0..40 {
        workers.push(super::support::enrol(&app, &token, &format!("box-{index}")).await);
    }
    // Coming online is written at once; the steady heartbeats after it go through the batches.
    for round in 0..3_u64 {
        let beats = workers.iter().map(|worker| {
            let mut body = heartbeat_body();
            body["uptime_seconds"] = json!(100 * round + 7);
            let app = &app;
            async move { call_json(app, "/heartbeat", &worker.credential, &body).await }
        });
        for (status, body) in futures::future::join_all(beats).await {
            assert_eq!(status, 200, "{body}");
        }
    }
    edge(&app).heartbeats.flush().await;
    let written = crate::helpers::count(
        &app,
        "SELECT COUNT(*) FROM workers WHERE owner_id = $1 AND uptime_seconds = 207",
        &owner.user_id,
    )
    .await;
    assert_eq!(written, 40);
    let online_events = crate::helpers::count(
        &app,
        "SELECT COUNT(*) FROM worker_events e JOIN workers w ON w.id = e.worker_id \
         WHERE w.owner_id = $1 AND e.kind = 'online'",
        &owner.user_id,
    )
    .await;
    assert_eq!(
        online_events, 40,
        "one online event each, however many heartbeats"
    );
}

//! Notifications: what the fleet notifies about, once per event and only to the owner;
//! kinds turned off; reading them through the server functions, never another user's.

use domain::fleet::liveness;
use domain::notifications::events::credentials_expiring;
use serde_json::{Value, json};

use crate::edge::results::varied_result;
use crate::edge::support::{
    call_ok, edge, enrol, exec, heartbeat_body, lease, owner, owner_with_worker, task, token,
};
use crate::helpers::{TestApp, call, spawn_app};

/// A notifications server function's status and JSON body, as `cookie`'s user.
async fn api(
    app: &TestApp,
    function: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> (u16, Value) {
    let response = call(app, &format!("notifications/{function}"), form, cookie).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn inbox(app: &TestApp, cookie: &str) -> Value {
    let (status, body) = api(app, "list", &[], Some(cookie)).await;
    assert_eq!(status, 200, "{body}");
    body
}

/// Makes the worker look silent for `seconds` and runs the liveness sweep.
async fn silent_then_swept(app: &TestApp, worker_id: &str, seconds: i64) {
    let sql = format!(
        "UPDATE workers SET last_seen_at = {} WHERE id = $1",
        chrono::Utc::now().timestamp() - seconds
    );
    exec(app, &sql, worker_id).await;
    liveness::sweep(edge(app)).await.expect("sweep");
}

#[tokio::test]
async fn an_agent_going_offline_notifies_its_owner_once_and_nobody_else() {
    let app = spawn_app().await;
    let (_, cookie, worker) = owner_with_worker(&app, "ada@example.com").await;
    let (_, strangers) = owner(&app, "eve@example.com").await;
    call_ok(&app, "/heartbeat", &worker.credential, &heartbeat_body()).await;
    silent_then_swept(&app, &worker.id, 3_600).await;
    // Another sweep (another replica's, say) finds nothing new to say.
    liveness::sweep(edge(&app)).await.expect("sweep");

    let body = inbox(&app, &cookie).await;
    assert_eq!(body["unread"], 1, "{body}");
    let items = body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{body}");
    assert_eq!(items[0]["kind"], "agent_offline");
    assert_eq!(items[0]["title"], "runner-1 is offline");
    assert_eq!(items[0]["link"], format!("/fleet/{}", worker.id));
    assert_eq!(items[0]["read"], false);

    let theirs = inbox(&app, &strangers).await;
    assert_eq!(theirs["unread"], 0, "{theirs}");
    assert_eq!(theirs["items"].as_array().map(Vec::len), Some(0));

    // Back online and offline again: a new transition, a new notification.
    call_ok(&app, "/heartbeat", &worker.credential, &heartbeat_body()).await;
    silent_then_swept(&app, &worker.id, 7_200).await;
    assert_eq!(inbox(&app, &cookie).await["unread"], 2);
}

#[tokio::test]
async fn reading_is_for_the_owner_only_and_signed_out_callers_are_refused() {
    let app = spawn_app().await;
    let (_, cookie, worker) = owner_with_worker(&app, "ada@example.com").await;
    let (_, strangers) = owner(&app, "eve@example.com").await;
    call_ok(&app, "/heartbeat", &worker.credential, &heartbeat_body()).await;
    silent_then_swept(&app, &worker.id, 3_600).await;
    let id = inbox(&app, &cookie).await["items"][0]["id"]
        .as_str()
        .expect("an id")
        .to_owned();

    for function in ["list", "unread", "settings", "read_all"] {
        let (status, body) = api(&app, function, &[], None).await;
        assert_eq!(status, 401, "{function}: {body}");
        assert_eq!(body["code"], "unauthenticated", "{function}");
    }
    // Another user cannot mark it, even knowing its id, and it stays unread.
    let (status, body) = api(&app, "read", &[("id", &id)], Some(&strangers)).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
    let (_, marked_all) = api(&app, "read_all", &[], Some(&strangers)).await;
    assert_eq!(marked_all, 0);
    assert_eq!(inbox(&app, &cookie).await["unread"], 1);

    let (status, unread) = api(&app, "unread", &[], Some(&cookie)).await;
    assert_eq!((status, unread), (200, json!(1)));
    // The header's count answers everyone: nothing for a stranger, theirs for a user.
    assert_eq!(api(&app, "badge", &[], None).await, (200, Value::Null));
    assert_eq!(
        api(&app, "badge", &[], Some(&cookie)).await,
        (200, json!(1))
    );
    assert_eq!(
        api(&app, "badge", &[], Some(&strangers)).await,
        (200, json!(0))
    );
    let (status, _) = api(&app, "read", &[("id", &id)], Some(&cookie)).await;
    assert_eq!(status, 200);
    let body = inbox(&app, &cookie).await;
    assert_eq!(body["unread"], 0);
    assert_eq!(body["items"][0]["read"], true);
}

#[tokio::test]
async fn a_kind_turned_off_is_not_notified_and_the_others_still_are() {
    let app = spawn_app().await;
    let (owner, cookie, worker) = owner_with_worker(&app, "ada@example.com").await;
    // Everything ticked but "an agent goes offline".
    let (status, body) = api(
        &app,
        "save_settings",
        &[
            ("agent_quarantined", "on"),
            ("credential_expiring", "on"),
            ("backtest_finished", "on"),
            ("backtest_failed", "on"),
        ],
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (_, settings) = api(&app, "settings", &[], Some(&cookie)).await;
    let enabled = |kind: &str| {
        settings
            .as_array()
            .and_then(|all| all.iter().find(|setting| setting["kind"] == kind))
            .map(|setting| setting["enabled"].clone())
    };
    assert_eq!(enabled("agent_offline"), Some(json!(false)), "{settings}");
    assert_eq!(enabled("backtest_failed"), Some(json!(true)), "{settings}");

    call_ok(&app, "/heartbeat", &worker.credential, &heartbeat_body()).await;
    silent_then_swept(&app, &worker.id, 3_600).await;
    assert_eq!(inbox(&app, &cookie).await["unread"], 0);

    // A failed backtest is still heard of, with its reason.
    call_ok(&app, "/heartbeat", &worker.credential, &heartbeat_body()).await;
    let task_id = task(&app, &owner, "fast=5..10:5,slow=30..30:10").await;
    lease(&app, &worker).await;
    call_ok(
        &app,
        &format!("/tasks/{task_id}/fail"),
        &worker.credential,
        &json!({"error": "the dataset has a gap in March"}),
    )
    .await;
    let body = inbox(&app, &cookie).await;
    assert_eq!(body["unread"], 1, "{body}");
    assert_eq!(body["items"][0]["kind"], "backtest_failed");
    assert_eq!(body["items"][0]["body"], "the dataset has a gap in March");
    assert_eq!(body["items"][0]["link"], format!("/backtests/{task_id}"));
}

#[tokio::test]
async fn a_finished_backtest_is_notified_with_a_link_to_its_results() {
    let app = spawn_app().await;
    let (owner, cookie, worker) = owner_with_worker(&app, "ada@example.com").await;
    let task_id = task(&app, &owner, "fast=5..20:5,slow=30..40:10").await;
    lease(&app, &worker).await;
    let batch: Vec<Value> = (0..8).map(varied_result).collect();
    let path = format!("/tasks/{task_id}/results");
    call_ok(&app, &path, &worker.credential, &json!({"results": batch})).await;
    assert_eq!(
        inbox(&app, &cookie).await["unread"],
        0,
        "results alone notify nobody"
    );
    let path = format!("/tasks/{task_id}/complete");
    call_ok(&app, &path, &worker.credential, &json!({})).await;
    let body = inbox(&app, &cookie).await;
    assert_eq!(body["unread"], 1, "{body}");
    let item = &body["items"][0];
    assert_eq!(item["kind"], "backtest_finished");
    let title = item["title"].as_str().unwrap_or_default();
    assert!(
        title.starts_with("Backtest finished: SMA crossover on zigzag"),
        "{title}"
    );
    assert_eq!(
        item["body"],
        "All 8 configs ran. The ranked results, charts and heatmap are ready."
    );
    assert_eq!(item["link"], format!("/backtests/{task_id}"));
}

/// Moves the end of a worker's retired credentials to `seconds` from now.
async fn retired_credentials_end_in(app: &TestApp, worker_id: &str, seconds: i64) {
    let sql = format!(
        "UPDATE worker_credentials SET expires_at = {} \
         WHERE worker_id = $1 AND expires_at IS NOT NULL",
        chrono::Utc::now().timestamp() + seconds
    );
    exec(app, &sql, worker_id).await;
}

#[tokio::test]
async fn an_agent_that_never_used_its_new_credential_warns_its_owner_before_the_old_one_stops() {
    let app = spawn_app().await;
    let (owner, cookie, stranded) = owner_with_worker(&app, "ada@example.com").await;
    let (_, strangers, _) = owner_with_worker(&app, "eve@example.com").await;
    // A second agent rotates and goes on with its new credential, as agents do.
    let second_token = token(&app, &owner, 1).await;
    let switched = enrol(&app, &second_token, "runner-2").await;
    let rotated = call_ok(
        &app,
        "/credentials/rotate",
        &switched.credential,
        &json!({}),
    )
    .await;
    let new_credential = rotated["credential"].as_str().expect("a new credential");
    call_ok(&app, "/heartbeat", new_credential, &heartbeat_body()).await;
    // The first rotates too, but its reply is lost: it never calls with the new one.
    call_ok(
        &app,
        "/credentials/rotate",
        &stranded.credential,
        &json!({}),
    )
    .await;

    // A day of grace is left: nothing to say yet.
    assert_eq!(credentials_expiring(edge(&app)).await.expect("check"), 0);
    assert_eq!(inbox(&app, &cookie).await["unread"], 0);

    // An hour left for both old credentials: only the stranded agent's owner hears.
    retired_credentials_end_in(&app, &stranded.id, 3_600).await;
    retired_credentials_end_in(&app, &switched.id, 3_600).await;
    assert_eq!(credentials_expiring(edge(&app)).await.expect("check"), 1);
    // Another replica's check finds it already told.
    assert_eq!(credentials_expiring(edge(&app)).await.expect("check"), 0);

    let body = inbox(&app, &cookie).await;
    assert_eq!(body["unread"], 1, "{body}");
    let item = &body["items"][0];
    assert_eq!(item["kind"], "credential_expiring");
    assert_eq!(
        item["title"],
        "runner-1's old credential stops working soon"
    );
    assert_eq!(item["link"], format!("/fleet/{}", stranded.id));
    let text = item["body"].as_str().unwrap_or_default();
    assert!(
        text.starts_with("runner-1 was issued a new credential but has not called with it yet")
            && (text.contains("stops working in 59 minutes")
                || text.contains("stops working in 60 minutes")),
        "{text}"
    );
    assert_eq!(inbox(&app, &strangers).await["unread"], 0);

    // Past its end, an old credential is no longer worth a warning.
    let (_, _, late) = owner_with_worker(&app, "grace@example.com").await;
    call_ok(&app, "/credentials/rotate", &late.credential, &json!({})).await;
    retired_credentials_end_in(&app, &late.id, -5).await;
    assert_eq!(credentials_expiring(edge(&app)).await.expect("check"), 0);
}

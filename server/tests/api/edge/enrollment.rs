//! Enrollment tokens and worker credentials.

use domain::fleet::workers::WorkerAction;
use serde_json::{Value, json};

use super::support::{
    act_on, call_json, call_ok, call_refused, edge, exec, heartbeat_body, owner, owner_with_worker,
    register_body, token,
};
use crate::helpers::{Setup, TestApp, count, spawn_app, spawn_app_with};

#[tokio::test]
async fn ten_concurrent_registrations_on_a_three_use_token_make_exactly_three_workers() {
    let app = spawn_app().await;
    let (owner, _) = owner(&app, "ada@example.com").await;
    let token = token(&app, &owner, 3).await;
    let attempts = (0..10).map(|index| {
        let (app, token) = (&app, &token);
        async move {
            call_json(
                app,
                "/register",
                token,
                &register_body(&format!("box-{index}")),
            )
            .await
        }
    });
    let outcomes = futures::future::join_all(attempts).await;
    let created = outcomes.iter().filter(|(status, _)| *status == 201).count();
    assert_eq!(created, 3, "{outcomes:?}");
    for (status, body) in outcomes.iter().filter(|(status, _)| *status != 201) {
        assert_eq!(*status, 401, "{body}");
        assert_eq!(body["code"], "token_exhausted", "{body}");
    }
    let workers = count(
        &app,
        "SELECT COUNT(*) FROM workers WHERE owner_id = $1",
        &owner.user_id,
    )
    .await;
    assert_eq!(workers, 3);
    let uses = count(
        &app,
        "SELECT uses FROM enrollment_tokens WHERE owner_id = $1",
        &owner.user_id,
    )
    .await;
    assert_eq!(uses, 3);
}

#[tokio::test]
async fn registration_returns_a_credential_and_the_server_chosen_intervals() {
    let app = spawn_app().await;
    let (owner, _) = owner(&app, "ada@example.com").await;
    let token = token(&app, &owner, 1).await;
    let (status, body) = call_json(&app, "/register", &token, &register_body("box")).await;
    assert_eq!(status, 201, "{body}");
    let credential = body["credential"].as_str().expect("credential");
    assert!(credential.starts_with("wk_live_"), "{credential}");
    assert_eq!(
        body["intervals"],
        json!({"heartbeat_seconds": 15, "poll_seconds": 5, "task_heartbeat_seconds": 10, "lease_seconds": 60})
    );
    // Only an HMAC of either secret is stored.
    let secret = credential.rsplit('_').next().expect("secret");
    let stored = count(
        &app,
        "SELECT COUNT(*) FROM worker_credentials WHERE secret_hmac = $1",
        secret,
    )
    .await;
    assert_eq!(stored, 0);
    let token_secret = token.rsplit('_').next().expect("secret");
    let stored = count(
        &app,
        "SELECT COUNT(*) FROM enrollment_tokens WHERE secret_hmac = $1",
        token_secret,
    )
    .await;
    assert_eq!(stored, 0);
}

/// The id part of an enrollment token (`etr_live_<id>_<secret>`).
fn token_id(token: &str) -> &str {
    token
        .trim_start_matches("etr_live_")
        .split('_')
        .next()
        .expect("id")
}

/// Registers a worker with `token`, which must be refused as `(status, code)`.
async fn refused_token(app: &TestApp, token: &str, refusal: (u16, &str)) {
    call_refused(app, "/register", token, &register_body("box"), refusal).await;
}

#[tokio::test]
async fn bad_tokens_are_refused_with_their_own_codes() {
    let app = spawn_app().await;
    let (owner, _) = owner(&app, "ada@example.com").await;
    let good = token(&app, &owner, 5).await;

    refused_token(&app, "", (401, "unauthorized")).await;
    refused_token(&app, "etr_live_nope", (401, "unauthorized")).await;

    let (id, _) = good
        .trim_start_matches("etr_live_")
        .split_once('_')
        .expect("id and secret");
    let forged = format!("etr_live_{id}_{}", "0".repeat(48));
    refused_token(&app, &forged, (401, "token_invalid")).await;

    let validation = (422, "validation");
    let empty_name = json!({"display_name": ""});
    call_refused(&app, "/register", &good, &empty_name, validation).await;
    let body = call_refused(&app, "/register", &good, &register_body("  "), validation).await;
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("display_name")
    );

    let revoked = token(&app, &owner, 1).await;
    domain::fleet::tokens::revoke(edge(&app), &owner, token_id(&revoked))
        .await
        .expect("revoke");
    refused_token(&app, &revoked, (401, "token_revoked")).await;

    let expired = token(&app, &owner, 1).await;
    exec(
        &app,
        "UPDATE enrollment_tokens SET expires_at = 0 WHERE id = $1",
        token_id(&expired),
    )
    .await;
    refused_token(&app, &expired, (401, "token_expired")).await;

    // None of the refusals spent a use of the good token.
    let uses = count(&app, "SELECT uses FROM enrollment_tokens WHERE id = $1", id).await;
    assert_eq!(uses, 0);
}

/// Sends a heartbeat with `credential`, which must be accepted. Returns the answer's
/// `rotate_credential`: whether the server asks the agent to rotate its credential.
async fn asked_to_rotate(app: &TestApp, credential: &str) -> Value {
    let body = call_ok(app, "/heartbeat", credential, &heartbeat_body()).await;
    body["rotate_credential"].clone()
}

/// Rotates `credential`, which must be accepted; returns the new credential.
async fn rotate(app: &TestApp, credential: &str) -> String {
    let rotated = call_ok(app, "/credentials/rotate", credential, &json!({})).await;
    rotated["credential"]
        .as_str()
        .expect("credential")
        .to_owned()
}

/// Sends a heartbeat with `credential`, which must be refused as a 401 with `code`.
async fn refused_heartbeat(app: &TestApp, credential: &str, code: &str) {
    let body = heartbeat_body();
    call_refused(app, "/heartbeat", credential, &body, (401, code)).await;
}

#[tokio::test]
async fn a_rotated_credential_works_through_its_grace_period_and_a_revoked_one_stops_at_once() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;

    act_on(&app, &owner, &worker, WorkerAction::RotateCredential).await;
    assert_eq!(asked_to_rotate(&app, &worker.credential).await, true);

    let new = rotate(&app, &worker.credential).await;
    assert_ne!(new, worker.credential);
    for credential in [&new, &worker.credential] {
        assert_eq!(asked_to_rotate(&app, credential).await, false);
    }

    act_on(&app, &owner, &worker, WorkerAction::RevokeCredentials).await;
    for credential in [&new, &worker.credential] {
        refused_heartbeat(&app, credential, "credential_revoked").await;
    }
}

#[tokio::test]
async fn after_the_grace_period_the_old_credential_is_expired() {
    let mut setup = Setup::default();
    setup.edge.rotation_grace_secs = 0;
    let app = spawn_app_with(setup).await;
    let (_, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let new = rotate(&app, &worker.credential).await;
    refused_heartbeat(&app, &worker.credential, "credential_expired").await;
    call_ok(&app, "/heartbeat", &new, &heartbeat_body()).await;
}

#[tokio::test]
async fn a_disabled_worker_is_refused_until_enabled() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    act_on(&app, &owner, &worker, WorkerAction::Disable).await;
    let (nothing, disabled) = (json!({}), (403, "worker_disabled"));
    call_refused(&app, "/tasks/next", &worker.credential, &nothing, disabled).await;
    act_on(&app, &owner, &worker, WorkerAction::Enable).await;
    let body = call_ok(&app, "/tasks/next", &worker.credential, &nothing).await;
    assert_eq!(body["task"], serde_json::Value::Null);

    refused_heartbeat(&app, "wk_live_nothing", "unauthorized").await;
    let forged = format!("wk_live_{}_{}", "a".repeat(8), "b".repeat(48));
    refused_heartbeat(&app, &forged, "credential_invalid").await;
}

#[tokio::test]
async fn a_lost_rotation_reply_is_repaired_by_asking_again_until_the_new_credential_is_used() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    act_on(&app, &owner, &worker, WorkerAction::RotateCredential).await;

    // The agent rotates, but the reply never reaches it: it still has only the old one.
    let lost = rotate(&app, &worker.credential).await;

    // The server keeps asking, so the agent rotates again with the old credential.
    assert_eq!(
        asked_to_rotate(&app, &worker.credential).await,
        true,
        "asked again"
    );
    let new = rotate(&app, &worker.credential).await;

    // Its first use ends the rotation, for every credential of the worker.
    assert_eq!(asked_to_rotate(&app, &new).await, false);
    assert_eq!(asked_to_rotate(&app, &worker.credential).await, false);
    let asked = count(
        &app,
        "SELECT COUNT(*) FROM workers WHERE id = $1 AND rotate_requested",
        &worker.id,
    )
    .await;
    assert_eq!(asked, 0);
    // The credential whose reply was lost never reached anyone: it no longer works.
    refused_heartbeat(&app, &lost, "credential_revoked").await;
}

fn credential_id(credential: &str) -> &str {
    credential
        .trim_start_matches("wk_live_")
        .split('_')
        .next()
        .expect("id")
}

/// Heartbeats until `state`'s cache remembers the credential (PostgreSQL: once its change
/// listener is up); `false` when the cache is off (SQLite, where every call reads the
/// database).
async fn remembered_after_heartbeats(
    state: &server::state::AppState,
    url: &str,
    credential: &str,
) -> bool {
    let client = reqwest::Client::new();
    let started = std::time::Instant::now();
    loop {
        let response = client
            .post(format!("{url}/edge/v1/heartbeat"))
            .bearer_auth(credential)
            .json(&heartbeat_body())
            .send()
            .await
            .expect("heartbeat");
        assert_eq!(response.status(), 200);
        if state
            .edge()
            .auth_cache
            .get(credential_id(credential))
            .is_some()
        {
            return true;
        }
        // Three heartbeats suffice once the cache is on; PostgreSQL's listener may take a
        // moment to come up.
        let postgres = matches!(state.database(), domain::storage::Database::Postgres(_));
        let limit = if postgres { 5_000 } else { 500 };
        if started.elapsed() > std::time::Duration::from_millis(limit) {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_credential_read_before_a_revoke_is_not_remembered_after_it() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let context = edge(&app);
    let cache = &context.auth_cache;
    let postgres = matches!(context.database, domain::storage::Database::Postgres(_));
    let url = format!("http://127.0.0.1:{}", app.addr.port());
    assert_eq!(
        remembered_after_heartbeats(&app.app_state, &url, &worker.credential).await,
        postgres,
        "the cache runs on PostgreSQL only"
    );
    let id = credential_id(&worker.credential);
    cache.forget_worker(&worker.id);

    // The interleaving: read the row, a revoke commits and is announced, then the stale row
    // reaches the cache.
    let ticket = cache.ticket();
    let stale = domain::fleet::workers::read_credential(context, id)
        .await
        .expect("read")
        .expect("the credential exists");
    assert!(stale.revoked_at.is_none());
    act_on(&app, &owner, &worker, WorkerAction::RevokeCredentials).await;
    cache.put(ticket, id, stale);
    assert!(cache.get(id).is_none(), "the stale row was remembered");
    let refused = domain::fleet::workers::authenticate(context, Some(&worker.credential))
        .await
        .expect_err("revoked");
    assert_eq!(refused.code().as_str(), "credential_revoked");
    if !postgres {
        eprintln!("SQLite: no credential cache; this shows only that the revoke is seen at once");
    }
}

#[tokio::test]
async fn a_revocation_on_one_replica_reaches_a_replica_that_had_cached_the_credential() {
    let app = spawn_app().await;
    let (replica_addr, replica) = app.replica_with_state().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let replica_url = format!("http://127.0.0.1:{}", replica_addr.port());
    let postgres = matches!(
        app.app_state.database(),
        domain::storage::Database::Postgres(_)
    );
    // On PostgreSQL the replica must have cached the credential, or the test proves nothing
    // about the announcement; SQLite has no cache, and every call reads the database.
    let cached = remembered_after_heartbeats(&replica, &replica_url, &worker.credential).await;
    assert_eq!(cached, postgres, "the replica caches on PostgreSQL only");
    if !postgres {
        eprintln!(
            "SQLite: no credential cache; this shows only that a second server on the same \
             database refuses the revoked credential"
        );
    }
    act_on(&app, &owner, &worker, WorkerAction::RevokeCredentials).await;
    // The announcement travels between replicas in milliseconds; allow it a second.
    let started = std::time::Instant::now();
    loop {
        let response = app
            .client
            .post(format!("{replica_url}/edge/v1/heartbeat"))
            .bearer_auth(&worker.credential)
            .json(&heartbeat_body())
            .send()
            .await
            .expect("heartbeat");
        if response.status() == 401 {
            let body: serde_json::Value = response.json().await.expect("json");
            assert_eq!(body["code"], "credential_revoked");
            break;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(1),
            "the replica still accepts a revoked credential"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

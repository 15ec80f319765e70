//! Enrollment tokens and worker credentials.

use serde_json::json;

use super::support::{
    call_json, edge, exec, heartbeat_body, owner, owner_with_worker, register_body, token,
};
use crate::helpers::{Setup, count, spawn_app, spawn_app_with};

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

#[tokio::test]
async fn bad_tokens_are_refused_with_their_own_codes() {
    let app = spawn_app().await;
    let (owner, _) = owner(&app, "ada@example.com").await;
    let good = token(&app, &owner, 5).await;

    let (status, body) = call_json(&app, "/register", "", &register_body("box")).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
    let (status, body) = call_json(&app, "/register", "etr_live_nope", &register_body("box")).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));

    let (id, _) = good
        .trim_start_matches("etr_live_")
        .split_once('_')
        .expect("id and secret");
    let forged = format!("etr_live_{id}_{}", "0".repeat(48));
    let (status, body) = call_json(&app, "/register", &forged, &register_body("box")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("token_invalid"))
    );

    let (status, body) = call_json(&app, "/register", &good, &json!({"display_name": ""})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("validation")),
        "{body}"
    );
    let (status, body) = call_json(&app, "/register", &good, &register_body("  ")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("validation")),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .expect("message")
            .contains("display_name")
    );

    let revoked = token(&app, &owner, 1).await;
    let revoked_id = revoked
        .trim_start_matches("etr_live_")
        .split('_')
        .next()
        .expect("id");
    app::fleet::ssr::tokens::revoke(edge(&app), &owner, revoked_id)
        .await
        .expect("revoke");
    let (status, body) = call_json(&app, "/register", &revoked, &register_body("box")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("token_revoked"))
    );

    let expired = token(&app, &owner, 1).await;
    let expired_id = expired
        .trim_start_matches("etr_live_")
        .split('_')
        .next()
        .expect("id");
    exec(
        &app,
        "UPDATE enrollment_tokens SET expires_at = 0 WHERE id = $1",
        expired_id,
    )
    .await;
    let (status, body) = call_json(&app, "/register", &expired, &register_body("box")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("token_expired"))
    );

    // None of the refusals spent a use of the good token.
    let uses = count(&app, "SELECT uses FROM enrollment_tokens WHERE id = $1", id).await;
    assert_eq!(uses, 0);
}

#[tokio::test]
async fn a_rotated_credential_works_through_its_grace_period_and_a_revoked_one_stops_at_once() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;

    app::fleet::ssr::workers::act(
        edge(&app),
        &owner,
        &worker.id,
        app::fleet::ssr::workers::WorkerAction::RotateCredential,
    )
    .await
    .expect("ask for rotation");
    let (status, body) = call_json(&app, "/heartbeat", &worker.credential, &heartbeat_body()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rotate_credential"], true);

    let (status, rotated) =
        call_json(&app, "/credentials/rotate", &worker.credential, &json!({})).await;
    assert_eq!(status, 200, "{rotated}");
    let new = rotated["credential"]
        .as_str()
        .expect("credential")
        .to_owned();
    assert_ne!(new, worker.credential);
    for credential in [&new, &worker.credential] {
        let (status, body) = call_json(&app, "/heartbeat", credential, &heartbeat_body()).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["rotate_credential"], false);
    }

    app::fleet::ssr::workers::act(
        edge(&app),
        &owner,
        &worker.id,
        app::fleet::ssr::workers::WorkerAction::RevokeCredentials,
    )
    .await
    .expect("revoke");
    for credential in [&new, &worker.credential] {
        let (status, body) = call_json(&app, "/heartbeat", credential, &heartbeat_body()).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("credential_revoked"))
        );
    }
}

#[tokio::test]
async fn after_the_grace_period_the_old_credential_is_expired() {
    let mut setup = Setup::default();
    setup.edge.rotation_grace_secs = 0;
    let app = spawn_app_with(setup).await;
    let (_, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let (status, rotated) =
        call_json(&app, "/credentials/rotate", &worker.credential, &json!({})).await;
    assert_eq!(status, 200, "{rotated}");
    let (status, body) = call_json(&app, "/heartbeat", &worker.credential, &heartbeat_body()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("credential_expired"))
    );
    let new = rotated["credential"].as_str().expect("credential");
    let (status, _) = call_json(&app, "/heartbeat", new, &heartbeat_body()).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_disabled_worker_is_refused_until_enabled() {
    let app = spawn_app().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let act = |action| app::fleet::ssr::workers::act(edge(&app), &owner, &worker.id, action);
    act(app::fleet::ssr::workers::WorkerAction::Disable)
        .await
        .expect("disable");
    let (status, body) = call_json(&app, "/tasks/next", &worker.credential, &json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("worker_disabled"))
    );
    act(app::fleet::ssr::workers::WorkerAction::Enable)
        .await
        .expect("enable");
    let (status, body) = call_json(&app, "/tasks/next", &worker.credential, &json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["task"], serde_json::Value::Null);

    let missing = call_json(&app, "/heartbeat", "wk_live_nothing", &heartbeat_body()).await;
    assert_eq!(
        (missing.0, missing.1["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let forged = format!("wk_live_{}_{}", "a".repeat(8), "b".repeat(48));
    let forged = call_json(&app, "/heartbeat", &forged, &heartbeat_body()).await;
    assert_eq!(
        (forged.0, forged.1["code"].as_str()),
        (401, Some("credential_invalid"))
    );
}

#[tokio::test]
async fn a_revocation_on_one_replica_reaches_a_replica_that_remembers_the_credential() {
    let app = spawn_app().await;
    let replica = app.replica().await;
    let (owner, _, worker) = owner_with_worker(&app, "ada@example.com").await;
    let on_replica = |path: &str| {
        app.client
            .post(format!("http://127.0.0.1:{}/edge/v1{path}", replica.port()))
            .bearer_auth(&worker.credential)
            .json(&heartbeat_body())
    };
    // Two heartbeats on the replica: it has checked the credential and may remember it.
    for _ in 0..2 {
        let response = on_replica("/heartbeat").send().await.expect("heartbeat");
        assert_eq!(response.status(), 200);
    }
    app::fleet::ssr::workers::act(
        edge(&app),
        &owner,
        &worker.id,
        app::fleet::ssr::workers::WorkerAction::RevokeCredentials,
    )
    .await
    .expect("revoke on the first server");
    // The announcement travels between replicas in milliseconds; allow it a second.
    let started = std::time::Instant::now();
    loop {
        let response = on_replica("/heartbeat").send().await.expect("heartbeat");
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

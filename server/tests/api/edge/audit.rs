//! Every change to a fleet is audited — who acted, whose object it was, what changed —
//! whether the owner acted or an administrator did.

use serde_json::Value;

use super::support::{dataset, owner_with_worker};
use crate::helpers::{TestApp, call, make_admin, register, sign_in, spawn_app};

/// `(actor, subject, details)` of every entry with this action, oldest first.
pub(super) async fn entries(
    app: &TestApp,
    action: &str,
) -> Vec<(Option<String>, Option<String>, Value)> {
    use app::storage::Database;
    let sql = "SELECT actor_id, subject_id, details FROM audit_log WHERE action = $1 ORDER BY id";
    let rows: Vec<(Option<String>, Option<String>, String)> = match app.app_state.database() {
        Database::Sqlite(pool) => sqlx::query_as(sql).bind(action).fetch_all(pool).await,
        Database::Postgres(pool) => sqlx::query_as(sql).bind(action).fetch_all(pool).await,
    }
    .expect("audit entries");
    rows.into_iter()
        .map(|(actor, subject, details)| {
            (
                actor,
                subject,
                serde_json::from_str(&details).expect("details are JSON"),
            )
        })
        .collect()
}

/// Asserts the one entry of `action`: by `actor`, about `owner`'s `object` `id`.
async fn audited(app: &TestApp, action: &str, actor: &str, owner: &str, object: &str, id: &str) {
    let found = entries(app, action).await;
    assert_eq!(found.len(), 1, "{action}: {found:?}");
    let (who, whose, details) = &found[0];
    assert_eq!(who.as_deref(), Some(actor), "{action}: the actor");
    assert_eq!(whose.as_deref(), Some(owner), "{action}: the owner");
    assert_eq!(details["object"], object, "{action}: {details}");
    assert_eq!(details["id"], id, "{action}: {details}");
    assert_eq!(details["by_admin"], actor != owner, "{action}: {details}");
}

async fn json_of(response: reqwest::Response) -> Value {
    let status = response.status();
    let body: Value = response.json().await.expect("json");
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn an_owners_fleet_changes_are_audited_as_their_own() {
    let app = spawn_app().await;
    let (ada, cookie, worker) = owner_with_worker(&app, "ada@example.com").await;
    let me = ada.user_id.as_str();
    let cookie = Some(cookie.as_str());

    let created = json_of(call(&app, "fleet/create_token", &[], cookie).await).await;
    let token_id = created["details"]["id"].as_str().expect("id").to_owned();
    audited(
        &app,
        "fleet_token_created",
        me,
        me,
        "enrollment_token",
        &token_id,
    )
    .await;
    json_of(call(&app, "fleet/revoke_token", &[("id", &token_id)], cookie).await).await;
    audited(
        &app,
        "fleet_token_revoked",
        me,
        me,
        "enrollment_token",
        &token_id,
    )
    .await;

    let csv = super::support::csv(30);
    let (status, uploaded) = super::support::upload(&app, "daily", csv, cookie).await;
    assert_eq!(status, 201, "{uploaded}");
    let dataset_id = uploaded["id"].as_str().expect("id").to_owned();
    audited(
        &app,
        "fleet_dataset_uploaded",
        me,
        me,
        "dataset",
        &dataset_id,
    )
    .await;

    let form = [
        ("task[dataset_id]", dataset_id.as_str()),
        ("task[strategy]", "sma_crossover"),
        ("task[grid]", "fast=5,slow=20"),
        ("task[fee]", "0.001"),
        ("task[slippage]", "0"),
    ];
    let task = json_of(call(&app, "fleet/create_task", &form, cookie).await).await;
    let task_id = task["id"].as_str().expect("id").to_owned();
    audited(&app, "fleet_task_created", me, me, "task", &task_id).await;
    json_of(call(&app, "fleet/cancel_task", &[("id", &task_id)], cookie).await).await;
    audited(&app, "fleet_task_cancelled", me, me, "task", &task_id).await;
    json_of(call(&app, "fleet/retry_task", &[("id", &task_id)], cookie).await).await;
    audited(&app, "fleet_task_retried", me, me, "task", &task_id).await;

    for (action, audit) in [
        ("rotate_credential", "fleet_rotation_requested"),
        ("disable", "fleet_worker_disabled"),
        ("enable", "fleet_worker_enabled"),
        ("release", "fleet_worker_released"),
        ("revoke_credentials", "fleet_credentials_revoked"),
    ] {
        let form = [("id", worker.id.as_str()), ("action", action)];
        json_of(call(&app, "fleet/worker_action", &form, cookie).await).await;
        audited(&app, audit, me, me, "worker", &worker.id).await;
    }
    // Reading changes nothing and is not audited.
    json_of(call(&app, "fleet/workers", &[], cookie).await).await;
    let fleet_entries = crate::helpers::count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'fleet%' AND subject_id = $1",
        me,
    )
    .await;
    assert_eq!(fleet_entries, 11);
}

#[tokio::test]
async fn an_administrator_acting_on_another_users_fleet_is_audited_naming_both() {
    let app = spawn_app().await;
    let (bob, _, worker) = owner_with_worker(&app, "bob@example.com").await;
    register(&app, "root@example.com").await;
    make_admin(&app, "root@example.com").await;
    let admin_cookie = sign_in(&app, "root@example.com", "test").await;
    let admin = Some(admin_cookie.as_str());
    let admin_id = crate::helpers::me(&app, &admin_cookie).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let owner = bob.user_id.as_str();

    let form = [("id", worker.id.as_str()), ("action", "disable")];
    let changed = json_of(call(&app, "fleet/worker_action", &form, admin).await).await;
    assert_eq!(changed["status"], "disabled");
    audited(
        &app,
        "fleet_worker_disabled",
        &admin_id,
        owner,
        "worker",
        &worker.id,
    )
    .await;
    let form = [("id", worker.id.as_str()), ("action", "revoke_credentials")];
    json_of(call(&app, "fleet/worker_action", &form, admin).await).await;
    audited(
        &app,
        "fleet_credentials_revoked",
        &admin_id,
        owner,
        "worker",
        &worker.id,
    )
    .await;

    // A task on Bob's dataset belongs to Bob, whoever created it.
    let dataset_id = dataset(&app, &bob, 40).await;
    let form = [
        ("task[dataset_id]", dataset_id.as_str()),
        ("task[strategy]", "sma_crossover"),
        ("task[grid]", "fast=5,slow=20"),
        ("task[fee]", "0.001"),
        ("task[slippage]", "0"),
    ];
    let task = json_of(call(&app, "fleet/create_task", &form, admin).await).await;
    let task_id = task["id"].as_str().expect("id").to_owned();
    audited(
        &app,
        "fleet_task_created",
        &admin_id,
        owner,
        "task",
        &task_id,
    )
    .await;
    json_of(call(&app, "fleet/cancel_task", &[("id", &task_id)], admin).await).await;
    audited(
        &app,
        "fleet_task_cancelled",
        &admin_id,
        owner,
        "task",
        &task_id,
    )
    .await;
    json_of(call(&app, "fleet/retry_task", &[("id", &task_id)], admin).await).await;
    audited(
        &app,
        "fleet_task_retried",
        &admin_id,
        owner,
        "task",
        &task_id,
    )
    .await;

    // Bob's token, revoked by the administrator.
    let token = super::support::token(&app, &bob, 1).await;
    let token_id = token
        .trim_start_matches("etr_live_")
        .split('_')
        .next()
        .expect("id")
        .to_owned();
    json_of(call(&app, "fleet/revoke_token", &[("id", &token_id)], admin).await).await;
    audited(
        &app,
        "fleet_token_revoked",
        &admin_id,
        owner,
        "enrollment_token",
        &token_id,
    )
    .await;
}

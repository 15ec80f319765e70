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
    use domain::storage::Database;
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

/// One actor working on one owner's fleet through the beta host's server functions: what
/// the calls and the audit entries of a test have in common.
struct Acting<'a> {
    app: &'a TestApp,
    cookie: Option<&'a str>,
    actor: &'a str,
    owner: &'a str,
}

/// Calls the server function at `path` as `by`'s actor; asserts a 200 and returns the
/// JSON answer, for the ids and states the test reads from it.
async fn call_as(by: &Acting<'_>, path: &str, form: &[(&str, &str)]) -> Value {
    let response = call(by.app, path, form, by.cookie).await;
    let status = response.status();
    let body: Value = response.json().await.expect("json");
    assert_eq!(status, 200, "{body}");
    body
}

/// Asserts the one entry of `action`: by `by`'s actor, about its owner's `object` `id`.
async fn audited(by: &Acting<'_>, action: &str, object: &str, id: &str) {
    let found = entries(by.app, action).await;
    assert_eq!(found.len(), 1, "{action}: {found:?}");
    let (who, whose, details) = &found[0];
    assert_eq!(who.as_deref(), Some(by.actor), "{action}: the actor");
    assert_eq!(whose.as_deref(), Some(by.owner), "{action}: the owner");
    assert_eq!(details["object"], object, "{action}: {details}");
    assert_eq!(details["id"], id, "{action}: {details}");
    assert_eq!(
        details["by_admin"],
        by.actor != by.owner,
        "{action}: {details}"
    );
}

/// Creates a task on `dataset_id`, cancels it and retries it, asserting after each step
/// that it is audited as `by`'s.
async fn create_cancel_and_retry_a_task(by: &Acting<'_>, dataset_id: &str) {
    let form = [
        ("task[dataset_id]", dataset_id),
        ("task[strategy]", "sma_crossover"),
        ("task[grid]", "fast=5,slow=20"),
        ("task[fee]", "0.001"),
        ("task[slippage]", "0"),
    ];
    let task = call_as(by, "fleet/create_task", &form).await;
    let task_id = task["id"].as_str().expect("id");
    audited(by, "fleet_task_created", "task", task_id).await;
    for (path, action) in [
        ("fleet/cancel_task", "fleet_task_cancelled"),
        ("fleet/retry_task", "fleet_task_retried"),
    ] {
        call_as(by, path, &[("id", task_id)]).await;
        audited(by, action, "task", task_id).await;
    }
}

/// Applies the worker action `action` to `worker_id` as `by`'s actor and asserts it is
/// audited as `audit`. Returns the worker as the answer shows it.
async fn worker_action(by: &Acting<'_>, worker_id: &str, action: &str, audit: &str) -> Value {
    let form = [("id", worker_id), ("action", action)];
    let changed = call_as(by, "fleet/worker_action", &form).await;
    audited(by, audit, "worker", worker_id).await;
    changed
}

#[tokio::test]
async fn an_owners_fleet_changes_are_audited_as_their_own() {
    let app = spawn_app().await;
    let (ada, cookie, worker) = owner_with_worker(&app, "ada@example.com").await;
    let me = ada.user_id.as_str();
    let cookie = Some(cookie.as_str());
    let by = Acting {
        app: &app,
        cookie,
        actor: me,
        owner: me,
    };

    let created = call_as(&by, "fleet/create_token", &[]).await;
    let token_id = created["details"]["id"].as_str().expect("id").to_owned();
    audited(&by, "fleet_token_created", "enrollment_token", &token_id).await;
    call_as(&by, "fleet/revoke_token", &[("id", &token_id)]).await;
    audited(&by, "fleet_token_revoked", "enrollment_token", &token_id).await;

    let csv = super::support::csv(30);
    let (status, uploaded) = super::support::upload(&app, "daily", csv, cookie).await;
    assert_eq!(status, 201, "{uploaded}");
    let dataset_id = uploaded["id"].as_str().expect("id");
    audited(&by, "fleet_dataset_uploaded", "dataset", dataset_id).await;

    create_cancel_and_retry_a_task(&by, dataset_id).await;

    for (action, audit) in [
        ("rotate_credential", "fleet_rotation_requested"),
        ("disable", "fleet_worker_disabled"),
        ("enable", "fleet_worker_enabled"),
        ("release", "fleet_worker_released"),
        ("revoke_credentials", "fleet_credentials_revoked"),
    ] {
        worker_action(&by, &worker.id, action, audit).await;
    }
    // Reading changes nothing and is not audited.
    call_as(&by, "fleet/workers", &[]).await;
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
    let admin_id = crate::helpers::me(&app, &admin_cookie).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let by = Acting {
        app: &app,
        cookie: Some(admin_cookie.as_str()),
        actor: &admin_id,
        owner: bob.user_id.as_str(),
    };

    let changed = worker_action(&by, &worker.id, "disable", "fleet_worker_disabled").await;
    assert_eq!(changed["status"], "disabled");
    worker_action(
        &by,
        &worker.id,
        "revoke_credentials",
        "fleet_credentials_revoked",
    )
    .await;

    // A task on Bob's dataset belongs to Bob, whoever created it.
    let dataset_id = dataset(&app, &bob, 40).await;
    create_cancel_and_retry_a_task(&by, &dataset_id).await;

    // Bob's token, revoked by the administrator.
    let token = super::support::token(&app, &bob, 1).await;
    let token_id = token
        .trim_start_matches("etr_live_")
        .split('_')
        .next()
        .expect("id")
        .to_owned();
    call_as(&by, "fleet/revoke_token", &[("id", &token_id)]).await;
    audited(&by, "fleet_token_revoked", "enrollment_token", &token_id).await;
}

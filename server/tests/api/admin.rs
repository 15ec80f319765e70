//! The admin functions and pages: refused to strangers and plain users, and what
//! administrators can do with them.

use crate::helpers::{
    TestApp, audit_count, call, count, location, login_status, make_admin, me, page, post,
    register, session_cookie, spawn_app,
};

/// Registers an administrator; returns their (renewed) session cookie.
async fn admin(app: &TestApp) -> String {
    let cookie = register(app, "root@example.org").await;
    make_admin(app, "root@example.org").await;
    let response = post(app, "me", &[], Some(&cookie)).await;
    session_cookie(&response).expect("renewed after the role change")
}

async fn user_id(app: &TestApp, cookie: &str) -> String {
    me(app, cookie).await["id"].as_str().expect("id").to_owned()
}

async fn json(response: reqwest::Response) -> serde_json::Value {
    response.json().await.expect("json")
}

/// One page of the user search, as the account of `cookie`: the JSON answer.
async fn search_users(app: &TestApp, cookie: &str, q: &str, page: &str) -> serde_json::Value {
    let form = [("q", q), ("page", page)];
    json(call(app, "admin/users", &form, Some(cookie)).await).await
}

/// Asks, as the account of `cookie`, for `user_id` to have `role`. Returns the whole
/// response: its status is what most checks are about.
async fn set_role(app: &TestApp, cookie: &str, user_id: &str, role: &str) -> reqwest::Response {
    call(
        app,
        "admin/set_role",
        &[("user_id", user_id), ("role", role)],
        Some(cookie),
    )
    .await
}

#[tokio::test]
async fn every_admin_function_is_refused_to_strangers_and_plain_users() {
    let app = spawn_app().await;
    let user = register(&app, "ada@example.org").await;
    let ada = user_id(&app, &user).await;
    let calls: [(&str, Vec<(&str, &str)>); 6] = [
        ("admin/overview", vec![]),
        ("admin/users", vec![("q", ""), ("page", "1")]),
        ("admin/set_role", vec![("user_id", &ada), ("role", "admin")]),
        (
            "admin/set_status",
            vec![("user_id", &ada), ("status", "disabled")],
        ),
        ("admin/end_sessions", vec![("user_id", &ada)]),
        ("admin/audit", vec![("page", "1")]),
    ];
    for (path, form) in &calls {
        let anonymous = call(&app, path, form, None).await;
        assert_eq!(anonymous.status(), 401, "{path} for a stranger");
        assert_eq!(json(anonymous).await["code"], "unauthenticated", "{path}");
        let plain = call(&app, path, form, Some(&user)).await;
        assert_eq!(plain.status(), 403, "{path} for a plain user");
        assert_eq!(json(plain).await["code"], "forbidden", "{path}");
    }
    let ada_now = me(&app, &user).await;
    assert_eq!(
        ada_now["role"], "user",
        "the refused role change did nothing"
    );
    assert_eq!(audit_count(&app, "role_change").await, 0);
    assert_eq!(audit_count(&app, "user_disabled").await, 0);
}

#[tokio::test]
async fn admin_pages_send_strangers_to_sign_in_and_refuse_plain_users() {
    let app = spawn_app().await;
    for path in ["/", "/users", "/audit"] {
        let response = page(&app, "admin.localhost", path, None).await;
        assert!(
            response.status().is_redirection(),
            "{path}: {}",
            response.status()
        );
        assert_eq!(
            location(&response),
            format!("/login?returnTo={path}"),
            "{path}"
        );
    }
    let user = register(&app, "ada@example.org").await;
    let response = page(&app, "admin.localhost", "/users", Some(&user)).await;
    assert_eq!(response.status(), 403);
    let html = response.text().await.expect("html");
    assert!(html.contains("administrator"), "{html}");
    assert!(
        !html.contains("ada@example.org\u{3c}/td"),
        "no user data for a plain user"
    );

    let root = admin(&app).await;
    let response = page(&app, "admin.localhost", "/users", Some(&root)).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("html");
    assert!(html.contains("ada@example.org"), "{html}");
}

/// Adds accounts straight to the database (hashing 30 passwords would only slow the test).
async fn add_users(app: &TestApp, how_many: usize) {
    use domain::storage::Database;
    for n in 0..how_many {
        let sql =
            "INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, $3, NULL)";
        let id = uuid::Uuid::new_v4().to_string();
        let email = format!("user{n:02}@example.net");
        let name = format!("Member {n:02}");
        match app.app_state.database() {
            Database::Sqlite(pool) => sqlx::query(sql)
                .bind(&id)
                .bind(&email)
                .bind(&name)
                .execute(pool)
                .await
                .map(drop),
            Database::Postgres(pool) => sqlx::query(sql)
                .bind(&id)
                .bind(&email)
                .bind(&name)
                .execute(pool)
                .await
                .map(drop),
        }
        .expect("insert a user");
    }
}

#[tokio::test]
async fn administrators_search_and_page_through_users() {
    let app = spawn_app().await;
    let root = admin(&app).await;
    add_users(&app, 30).await;

    let first = search_users(&app, &root, "", "1").await;
    assert_eq!(first["total"], 31);
    assert_eq!(first["per_page"], 25);
    assert_eq!(first["users"].as_array().expect("users").len(), 25);
    let second = search_users(&app, &root, "", "2").await;
    assert_eq!(second["users"].as_array().expect("users").len(), 6);

    let found = search_users(&app, &root, "MEMBER 0", "1").await;
    assert_eq!(
        found["total"], 10,
        "search is case-insensitive, on names too"
    );
    let found = search_users(&app, &root, "user07@", "1").await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["users"][0]["has_password"], false);
    // LIKE wildcards in the search are literal.
    let found = search_users(&app, &root, "%", "1").await;
    assert_eq!(found["total"], 0);
    let found = search_users(&app, &root, "user_1", "1").await;
    assert_eq!(found["total"], 0);
}

#[tokio::test]
async fn administrators_change_roles_and_end_sessions_but_not_their_own() {
    let app = spawn_app().await;
    let root = admin(&app).await;
    let root_id = user_id(&app, &root).await;
    let ada = register(&app, "ada@example.org").await;
    let ada_id = user_id(&app, &ada).await;

    let response = set_role(&app, &root, &ada_id, "admin").await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await["role"], "admin");
    let entries = count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'role_change' AND subject_id = $1 AND details LIKE '%\"to\":\"admin\"%'", &ada_id).await;
    assert_eq!(entries, 1);

    let response = call(
        &app,
        "admin/end_sessions",
        &[("user_id", &ada_id)],
        Some(&root),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await["sessions"], 0);
    assert!(me(&app, &ada).await.is_null());

    for (path, form) in [
        (
            "admin/set_role",
            vec![("user_id", root_id.as_str()), ("role", "user")],
        ),
        (
            "admin/set_status",
            vec![("user_id", root_id.as_str()), ("status", "disabled")],
        ),
        ("admin/end_sessions", vec![("user_id", root_id.as_str())]),
    ] {
        let response = call(&app, path, &form, Some(&root)).await;
        assert_eq!(response.status(), 422, "{path}");
        assert_eq!(json(response).await["code"], "invalid_input");
    }
    assert_eq!(me(&app, &root).await["role"], "admin");

    let response = set_role(&app, &root, "no-such-user", "admin").await;
    assert_eq!(response.status(), 404);
    let response = set_role(&app, &root, &ada_id, "owner").await;
    assert_eq!(response.status(), 400, "an unknown role is refused");
}

#[tokio::test]
async fn the_audit_log_filters_by_user_action_and_day_and_pages() {
    let app = spawn_app().await;
    let root = admin(&app).await;
    register(&app, "ada@example.org").await;
    for _ in 0..3 {
        login_status(&app, "ada@example.org", "not the password at all").await;
    }
    let audit = |form: Vec<(&'static str, String)>| {
        let app = &app;
        let root = root.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            call(app, "admin/audit", &form, Some(&root)).await
        }
    };
    let all = json(audit(vec![]).await).await;
    let total = all["total"].as_u64().expect("total");
    assert!(total >= 6, "{all}");
    let entries = all["entries"].as_array().expect("entries");
    assert!(
        entries
            .windows(2)
            .all(|w| w[0]["at"].as_i64() >= w[1]["at"].as_i64()),
        "newest first"
    );
    assert!(
        all.to_string().find("not the password").is_none(),
        "no secrets"
    );

    let failed = json(audit(vec![("action", "sign_in_failed".into())]).await).await;
    assert_eq!(failed["total"], 3);
    assert_eq!(failed["entries"][0]["subject"]["email"], "ada@example.org");
    let ada = json(audit(vec![("user", "ADA@example".into())]).await).await;
    // Registering signs nobody in, so the sign-in that follows it is listed too.
    assert_eq!(ada["total"], 5, "register, sign-in + three failures: {ada}");

    let today = chrono::Utc::now().date_naive();
    let tomorrow = today.succ_opt().expect("tomorrow");
    let in_range =
        json(audit(vec![("from", today.to_string()), ("to", today.to_string())]).await).await;
    assert_eq!(in_range["total"].as_u64(), Some(total));
    let later = json(audit(vec![("from", tomorrow.to_string())]).await).await;
    assert_eq!(later["total"], 0);

    let bad = audit(vec![("from", "22/11/2026".into())]).await;
    assert_eq!(bad.status(), 422);
    assert_eq!(json(bad).await["fields"][0]["field"], "from");
    let backwards = audit(vec![
        ("from", tomorrow.to_string()),
        ("to", today.to_string()),
    ])
    .await;
    assert_eq!(json(backwards).await["fields"][0]["field"], "to");
    let unknown = audit(vec![("action", "drop_table".into())]).await;
    assert_eq!(json(unknown).await["fields"][0]["field"], "action");

    let page_two = json(audit(vec![("page", "2".into())]).await).await;
    assert_eq!(page_two["page"], 2);
    assert_eq!(page_two["entries"].as_array().expect("entries").len(), 0);
}

/// Runs one statement on whichever database the app uses.
async fn execute(app: &TestApp, sql: &str) {
    use domain::storage::Database;
    match app.app_state.database() {
        Database::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        Database::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
    }
    .expect(sql);
}

#[tokio::test]
async fn a_role_change_that_cannot_be_audited_does_not_happen_at_all() {
    let app = spawn_app().await;
    let root = admin(&app).await;
    let ada = register(&app, "ada@example.org").await;
    let ada_id = user_id(&app, &ada).await;

    // The audit log cannot be written to: the role change must not happen unaudited,
    // nor half (role changed, sessions not renewed).
    execute(&app, "ALTER TABLE audit_log RENAME TO audit_log_away").await;
    let response = set_role(&app, &root, &ada_id, "admin").await;
    execute(&app, "ALTER TABLE audit_log_away RENAME TO audit_log").await;
    assert_eq!(response.status(), 500);
    assert_eq!(json(response).await["code"], "internal");

    assert_eq!(
        me(&app, &ada).await["role"],
        "user",
        "the role is unchanged"
    );
    let renewing = count(
        &app,
        "SELECT COUNT(*) FROM user_sessions WHERE user_id = $1 AND renew_id",
        &ada_id,
    )
    .await;
    assert_eq!(renewing, 0, "no session was marked for renewal");

    // With the log back, the same change goes through, audited.
    let response = set_role(&app, &root, &ada_id, "admin").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        audit_count(&app, "role_change").await,
        2,
        "root's, then ada's"
    );
}

//! Listing and ending sessions; idle expiry; disabling and role changes reaching every
//! session of a user at once.

use std::time::Duration;

use crate::helpers::{
    Setup, TestApp, audit_count, call, make_admin, me, post, register, session_cookie, sign_in,
    spawn_app, spawn_app_with,
};

const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

async fn sessions(app: &TestApp, cookie: &str) -> Vec<serde_json::Value> {
    let response = post(app, "sessions", &[], Some(cookie)).await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.expect("json");
    body.as_array().expect("a list").clone()
}

fn signed_in(value: &serde_json::Value) -> bool {
    !value.is_null()
}

#[tokio::test]
async fn the_session_list_shows_each_device_and_marks_this_one_without_leaking_ids() {
    let app = spawn_app().await;
    let first = register(&app, "ada@example.org").await;
    let laptop = sign_in(&app, "ada@example.org", FIREFOX).await;
    let phone = sign_in(&app, "ada@example.org", SAFARI).await;

    let listed = sessions(&app, &phone).await;
    assert_eq!(listed.len(), 3, "{listed:?}");
    let current: Vec<_> = listed.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["device"], "Safari on iOS");
    assert!(listed.iter().any(|s| s["device"] == "Firefox on Linux"));
    assert!(listed.iter().all(|s| s["ip"] == "127.0.0.1"));
    for session in &listed {
        let id = session["id"].as_str().expect("id");
        for cookie in [&first, &laptop, &phone] {
            let value = cookie.trim_start_matches("lp_session=");
            assert_ne!(id, value, "a session id reached the client");
        }
        assert!(session["created_at"].as_i64().expect("created") > 1_700_000_000);
    }

    let response = post(&app, "sessions", &[], None).await;
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["code"], "unauthenticated");
}

#[tokio::test]
async fn ending_one_session_signs_that_device_out_at_once() {
    let app = spawn_app().await;
    let old = register(&app, "ada@example.org").await;
    let current = sign_in(&app, "ada@example.org", FIREFOX).await;
    let target = sessions(&app, &current)
        .await
        .into_iter()
        .find(|s| s["current"] == false)
        .expect("the other session");
    let id = target["id"].as_str().expect("id");

    let response = post(&app, "end_session", &[("id", id)], Some(&current)).await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    assert!(
        !signed_in(&me(&app, &old).await),
        "the ended session is dead"
    );
    assert!(signed_in(&me(&app, &current).await));
    assert_eq!(sessions(&app, &current).await.len(), 1);
    assert_eq!(audit_count(&app, "session_ended").await, 1);

    // Ending it again: it is gone.
    let response = post(&app, "end_session", &[("id", id)], Some(&current)).await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn end_other_sessions_keeps_only_this_one() {
    let app = spawn_app().await;
    let first = register(&app, "ada@example.org").await;
    let second = sign_in(&app, "ada@example.org", FIREFOX).await;
    let third = sign_in(&app, "ada@example.org", SAFARI).await;

    let response = post(&app, "end_other_sessions", &[], Some(&third)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<u32>().await.expect("count"), 2);
    assert!(!signed_in(&me(&app, &first).await));
    assert!(!signed_in(&me(&app, &second).await));
    assert!(signed_in(&me(&app, &third).await));
    let listed = sessions(&app, &third).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["current"], true);
}

#[tokio::test]
async fn nobody_sees_or_ends_another_users_sessions() {
    let app = spawn_app().await;
    let ada = register(&app, "ada@example.org").await;
    let mallory = register(&app, "mallory@example.org").await;
    let ada_session = sessions(&app, &ada).await[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let mallory_sees = sessions(&app, &mallory).await;
    assert_eq!(mallory_sees.len(), 1);
    assert_ne!(mallory_sees[0]["id"], ada_session.as_str());

    let response = post(&app, "end_session", &[("id", &ada_session)], Some(&mallory)).await;
    assert_eq!(response.status(), 404);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["code"], "not_found");
    let response = post(&app, "end_other_sessions", &[], Some(&mallory)).await;
    assert_eq!(response.json::<u32>().await.expect("count"), 0);
    assert!(signed_in(&me(&app, &ada).await), "Ada is still signed in");

    let response = post(&app, "end_session", &[("id", &ada_session)], None).await;
    assert_eq!(response.status(), 401);
    assert!(signed_in(&me(&app, &ada).await));
}

#[tokio::test]
async fn a_session_expires_when_idle_but_not_while_used() {
    let app = spawn_app_with(Setup {
        session_idle_timeout: Duration::from_secs(4),
        ..Setup::default()
    })
    .await;
    let cookie = register(&app, "ada@example.org").await;
    // Used every 1.5 s for 7 s: longer than the idle timeout in all.
    for _ in 0..5 {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert!(
            signed_in(&me(&app, &cookie).await),
            "an active session stays"
        );
    }
    tokio::time::sleep(Duration::from_millis(4300)).await;
    assert!(!signed_in(&me(&app, &cookie).await), "an idle one expires");
}

#[tokio::test]
async fn disabling_a_user_signs_them_out_everywhere_and_keeps_them_out() {
    let app = spawn_app().await;
    let admin = register(&app, "root@example.org").await;
    make_admin(&app, "root@example.org").await;
    let admin = me_renewed(&app, &admin).await;
    let laptop = register(&app, "ada@example.org").await;
    let phone = sign_in(&app, "ada@example.org", SAFARI).await;
    let ada_id = me(&app, &laptop).await["id"]
        .as_str()
        .expect("id")
        .to_owned();

    let response = call(
        &app,
        "admin/set_status",
        &[("user_id", &ada_id), ("status", "disabled")],
        Some(&admin),
    )
    .await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["status"], "disabled");
    assert_eq!(body["sessions"], 0);
    assert!(!signed_in(&me(&app, &laptop).await));
    assert!(!signed_in(&me(&app, &phone).await));
    let response = post(
        &app,
        "login",
        &[
            ("email", "ada@example.org"),
            ("password", crate::helpers::PASSWORD),
        ],
        None,
    )
    .await;
    assert_eq!(response.status(), 401, "a disabled account cannot sign in");
    assert_eq!(audit_count(&app, "user_disabled").await, 1);

    let response = call(
        &app,
        "admin/set_status",
        &[("user_id", &ada_id), ("status", "active")],
        Some(&admin),
    )
    .await;
    assert_eq!(response.status(), 200);
    sign_in(&app, "ada@example.org", FIREFOX).await;
    assert_eq!(audit_count(&app, "user_enabled").await, 1);
}

/// After a role change the next request renews the session id; returns the new cookie.
async fn me_renewed(app: &TestApp, cookie: &str) -> String {
    let response = post(app, "me", &[], Some(cookie)).await;
    assert_eq!(response.status(), 200);
    session_cookie(&response).expect("a role change renews the session id")
}

#[tokio::test]
async fn a_role_change_gives_every_session_of_the_user_a_new_id() {
    let app = spawn_app().await;
    let laptop = register(&app, "ada@example.org").await;
    let phone = sign_in(&app, "ada@example.org", SAFARI).await;
    assert_eq!(me(&app, &laptop).await["role"], "user");
    make_admin(&app, "ada@example.org").await;

    let new_laptop = me_renewed(&app, &laptop).await;
    assert_ne!(new_laptop, laptop);
    assert_eq!(me(&app, &new_laptop).await["role"], "admin");
    assert!(
        !signed_in(&me(&app, &laptop).await),
        "the id from before the change is dead"
    );
    let new_phone = me_renewed(&app, &phone).await;
    assert_ne!(new_phone, phone);
    assert!(signed_in(&me(&app, &new_phone).await));
    assert_eq!(audit_count(&app, "role_change").await, 1);
}

#[tokio::test]
async fn changing_the_password_signs_out_every_other_session() {
    let app = spawn_app().await;
    let other = register(&app, "ada@example.org").await;
    let current = sign_in(&app, "ada@example.org", FIREFOX).await;
    let response = post(
        &app,
        "change_password",
        &[
            ("current_password", crate::helpers::PASSWORD),
            ("new_password", "a brand new passphrase for ada"),
        ],
        Some(&current),
    )
    .await;
    assert_eq!(response.status(), 200, "{:?}", response.text().await);
    let renewed = session_cookie(&response).expect("a new id");
    assert!(!signed_in(&me(&app, &other).await));
    assert!(!signed_in(&me(&app, &current).await));
    assert!(signed_in(&me(&app, &renewed).await));
    assert_eq!(sessions(&app, &renewed).await.len(), 1);
}

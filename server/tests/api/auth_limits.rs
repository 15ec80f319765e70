//! What bounds password guessing without locking out the people it protects: lockout per
//! account and address with a slower account-wide backoff, the same throttling on password
//! changes, the per-address rate limit on the functions that guess secrets only, and the
//! cap on concurrent password hashing.

use std::time::Duration;

use domain::accounts::throttle::LockoutPolicy;

use crate::helpers::{
    PASSWORD, Setup, TestApp, audit_count, beta_post, change_password, me, post, register,
    session_cookie, spawn_app, spawn_app_with,
};

/// A sign-in as it arrives through our trusted proxy on behalf of `client`.
async fn login_from(app: &TestApp, client: &str, password: &str) -> reqwest::Response {
    beta_post(app, "auth/login")
        .header("x-forwarded-for", client)
        .form(&[("email", "ada@example.org"), ("password", password)])
        .send()
        .await
        .expect("login")
}

fn behind_proxy(lockout: LockoutPolicy) -> Setup {
    Setup {
        lockout,
        trusted_proxies: vec!["127.0.0.1/32".parse().expect("net")],
        ..Setup::default()
    }
}

const WRONG: &str = "not the password at all";
const ATTACKER: &str = "203.0.113.66";
const OWNER: &str = "198.51.100.7";

#[tokio::test]
async fn a_guesser_locks_out_their_own_address_not_the_owner() {
    let app = spawn_app_with(behind_proxy(LockoutPolicy::default())).await;
    register(&app, "ada@example.org").await;
    for _ in 0..7 {
        assert_eq!(login_from(&app, ATTACKER, WRONG).await.status(), 401);
    }
    assert_eq!(audit_count(&app, "lockout").await, 1);

    let attacker = login_from(&app, ATTACKER, PASSWORD).await;
    assert_eq!(
        attacker.status(),
        401,
        "the guessing address is locked out, even with the right password"
    );
    assert!(session_cookie(&attacker).is_none());

    let owner = login_from(&app, OWNER, PASSWORD).await;
    assert_eq!(
        owner.status(),
        200,
        "the owner signs in from their own address"
    );
    let cookie = session_cookie(&owner).expect("signed in");
    assert_eq!(me(&app, &cookie).await["email"], "ada@example.org");
}

#[tokio::test]
async fn guesses_spread_over_many_addresses_make_the_whole_account_back_off() {
    let policy = LockoutPolicy {
        threshold: 2,
        window: Duration::from_secs(900),
        duration: Duration::from_secs(2),
    };
    assert_eq!(policy.account_threshold(), 8);
    let app = spawn_app_with(behind_proxy(policy)).await;
    register(&app, "ada@example.org").await;
    for client in ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"] {
        for _ in 0..2 {
            assert_eq!(login_from(&app, client, WRONG).await.status(), 401);
        }
    }
    let during = login_from(&app, OWNER, PASSWORD).await;
    assert_eq!(
        during.status(),
        401,
        "every address waits while it backs off"
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(login_from(&app, OWNER, PASSWORD).await.status(), 200);
    assert_eq!(audit_count(&app, "lockout_ended").await, 1);
}

#[tokio::test]
async fn wrong_current_passwords_are_throttled_like_sign_ins() {
    let app = spawn_app_with(behind_proxy(LockoutPolicy::default())).await;
    let cookie = register(&app, "ada@example.org").await;
    let new_password = "violet harbour sings backwards";
    for _ in 0..5 {
        let wrong = change_password(&app, Some(&cookie), WRONG, new_password).await;
        assert_eq!(wrong.status(), 422);
    }
    let throttled = change_password(&app, Some(&cookie), PASSWORD, new_password).await;
    assert_eq!(throttled.status(), 429, "even the right password waits");
    let retry_after: u64 = throttled.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let body: serde_json::Value = throttled.json().await.expect("json");
    assert_eq!(body["code"], "too_many_attempts");
    assert_eq!(audit_count(&app, "lockout").await, 1);

    // Nothing changed: the old password still signs in (from another address).
    assert_eq!(login_from(&app, OWNER, PASSWORD).await.status(), 200);
    assert_eq!(login_from(&app, OWNER, new_password).await.status(), 401);
}

#[tokio::test]
async fn reading_me_never_uses_up_the_sign_in_quota() {
    let app = spawn_app_with(Setup {
        auth_rate_limit_per_minute: 5,
        ..Setup::default()
    })
    .await;
    // Registering and signing in: two of the five.
    let cookie = register(&app, "ada@example.org").await;
    for call in 0..35 {
        let response = post(&app, "me", &[], Some(&cookie)).await;
        assert_eq!(response.status(), 200, "me call {call}");
        let anonymous = post(&app, "me", &[], None).await;
        assert_eq!(anonymous.status(), 200, "anonymous me call {call}");
    }
    let right = [("email", "ada@example.org"), ("password", PASSWORD)];
    let signed_in = post(&app, "login", &right, None).await;
    assert_eq!(signed_in.status(), 200, "the third of five");

    // The functions that guess secrets are still limited past their quota.
    assert_eq!(post(&app, "login", &right, None).await.status(), 200);
    assert_eq!(post(&app, "login", &right, None).await.status(), 200);
    let new_password = [
        ("current_password", PASSWORD),
        ("new_password", "violet harbour sings backwards"),
    ];
    let register_again = [
        ("email", "grace@example.org"),
        ("password", PASSWORD),
        ("display_name", "Grace"),
    ];
    for (endpoint, form, cookie) in [
        ("login", &right[..], None),
        ("register", &register_again[..], None),
        ("change_password", &new_password[..], Some(cookie.as_str())),
    ] {
        let limited = post(&app, endpoint, form, cookie).await;
        assert_eq!(limited.status(), 429, "{endpoint}");
        let body: serde_json::Value = limited.json().await.expect("json");
        assert_eq!(body["code"], "rate_limited", "{endpoint}");
    }
    let start = crate::helpers::page(&app, "beta.localhost", "/auth/oidc/start", None).await;
    assert_eq!(start.status(), 429, "single sign-on start");
    assert_eq!(post(&app, "me", &[], Some(&cookie)).await.status(), 200);
}

#[tokio::test]
async fn starting_single_sign_on_is_rate_limited_and_stores_nothing_when_refused() {
    let app = spawn_app_with(Setup {
        auth_rate_limit_per_minute: 3,
        ..Setup::default()
    })
    .await;
    for _ in 0..3 {
        let response = crate::helpers::page(&app, "beta.localhost", "/auth/oidc/start", None).await;
        assert!(response.status().is_redirection(), "{}", response.status());
    }
    let refused = crate::helpers::page(&app, "beta.localhost", "/auth/oidc/start", None).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().contains_key("retry-after"));
    assert!(session_cookie(&refused).is_none(), "no session stored");
}

#[tokio::test]
async fn password_checks_beyond_capacity_answer_503_with_retry_after() {
    let app = spawn_app().await;
    register(&app, "ada@example.org").await;
    let gate = app.app_state.auth().hashing.semaphore().clone();
    let all = u32::try_from(gate.available_permits()).expect("permits");
    let held = gate.acquire_many_owned(all).await.expect("every permit");

    let right = [("email", "ada@example.org"), ("password", PASSWORD)];
    let busy = post(&app, "login", &right, None).await;
    assert_eq!(busy.status(), 503);
    assert_eq!(busy.headers()["retry-after"], "1");
    assert!(session_cookie(&busy).is_none());
    let body: serde_json::Value = busy.json().await.expect("json");
    assert_eq!(body["code"], "busy");
    let register_busy = post(
        &app,
        "register",
        &[
            ("email", "grace@example.org"),
            ("password", PASSWORD),
            ("display_name", "Grace"),
        ],
        None,
    )
    .await;
    assert_eq!(register_busy.status(), 503);

    drop(held);
    assert_eq!(post(&app, "login", &right, None).await.status(), 200);
}

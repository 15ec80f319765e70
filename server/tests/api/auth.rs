//! The auth server functions over HTTP: sessions, fixation, uniform failures, CSRF, audit.

use crate::helpers::spawn_app;

use crate::helpers::{
    PASSWORD, audit_count, change_password, location, login_status, me, page, post, register,
    session_cookie,
};

#[tokio::test]
async fn registering_then_signing_in_works_and_sign_out_kills_the_session() {
    let app = spawn_app().await;
    let cookie = register(&app, "Ada@Example.org").await;
    let user = me(&app, &cookie).await;
    assert_eq!(user["email"], "ada@example.org", "emails are normalised");
    assert_eq!(user["display_name"], "Ada Lovelace");
    assert_eq!(user["role"], "user");

    let response = post(&app, "logout", &[], Some(&cookie)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        me(&app, &cookie).await,
        serde_json::Value::Null,
        "the old id is dead"
    );
    assert_eq!(audit_count(&app, "register").await, 1);
    assert_eq!(audit_count(&app, "sign_out").await, 1);
}

#[tokio::test]
async fn signing_in_issues_a_new_session_id_and_the_old_one_dies() {
    let app = spawn_app().await;
    let first = register(&app, "ada@example.org").await;
    let response = post(
        &app,
        "login",
        &[("email", "ADA@example.org"), ("password", PASSWORD)],
        Some(&first),
    )
    .await;
    assert_eq!(response.status(), 200);
    let second = session_cookie(&response).expect("a session cookie");
    assert_ne!(first, second, "no session fixation");
    assert_eq!(me(&app, &first).await, serde_json::Value::Null);
    assert_eq!(me(&app, &second).await["email"], "ada@example.org");
    // The first sign-in came after registering (which signs nobody in), this is the second.
    assert_eq!(audit_count(&app, "sign_in").await, 2);
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    register(&app, "ada@example.org").await;
    let wrong_password = post(
        &app,
        "login",
        &[
            ("email", "ada@example.org"),
            ("password", "not the password at all"),
        ],
        None,
    )
    .await;
    let unknown_email = post(
        &app,
        "login",
        &[
            ("email", "nobody@example.org"),
            ("password", "not the password at all"),
        ],
        None,
    )
    .await;
    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown_email.status(), 401);
    assert!(session_cookie(&wrong_password).is_none());
    let a = wrong_password.text().await.expect("body");
    let b = unknown_email.text().await.expect("body");
    assert_eq!(a, b);
    assert!(a.contains("wrong_credentials"), "{a}");
    assert_eq!(audit_count(&app, "sign_in_failed").await, 2);
}

#[tokio::test]
async fn registration_refuses_bad_input_field_by_field() {
    let app = spawn_app().await;
    let response = post(
        &app,
        "register",
        &[
            ("email", "not-an-email"),
            ("password", "password1234"),
            ("display_name", " "),
        ],
        None,
    )
    .await;
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["code"], "invalid_input");
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str())
        .collect();
    assert_eq!(fields, ["email", "display_name", "password"]);
}

/// Header names and the values that are not per-response (date, request id).
fn stable_headers(response: &reqwest::Response) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "date" | "x-request-id"))
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                value.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    headers.sort();
    headers
}

#[tokio::test]
async fn registration_answers_the_same_for_a_taken_and_a_free_email() {
    let app = spawn_app().await;
    let owner = register(&app, "ada@example.org").await;
    let imposter_password = "mallory keeps guessing quietly";
    let attempt = |email: &'static str| {
        [
            ("email", email),
            ("password", imposter_password),
            ("display_name", "Imposter"),
        ]
    };
    let taken = post(&app, "register", &attempt("ADA@EXAMPLE.ORG"), None).await;
    let free = post(&app, "register", &attempt("grace@example.org"), None).await;
    assert_eq!(taken.status(), 200);
    assert_eq!(free.status(), 200);
    assert!(session_cookie(&taken).is_none(), "nobody is signed in");
    assert!(session_cookie(&free).is_none(), "nobody is signed in");
    assert_eq!(stable_headers(&taken), stable_headers(&free));
    assert_eq!(
        taken.text().await.expect("body"),
        free.text().await.expect("body"),
        "the same body"
    );

    // Nothing happened to the taken account: no second account, no new password, no name.
    assert_eq!(
        crate::helpers::count(
            &app,
            "SELECT COUNT(*) FROM users WHERE email = $1",
            "ada@example.org"
        )
        .await,
        1
    );
    assert_eq!(
        login_status(&app, "ada@example.org", imposter_password).await,
        401
    );
    assert_eq!(me(&app, &owner).await["display_name"], "Ada Lovelace");
    // The free email got its account, which signs in with the password chosen.
    assert_eq!(
        login_status(&app, "grace@example.org", imposter_password).await,
        200
    );
    assert_eq!(audit_count(&app, "register").await, 2);
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_same_site_ones_pass() {
    let app = spawn_app().await;
    let port = app.addr.port();
    for (header, value) in [
        ("origin", "https://evil.example".to_owned()),
        ("origin", "null".to_owned()),
        ("referer", "https://evil.example/page".to_owned()),
        ("sec-fetch-site", "cross-site".to_owned()),
    ] {
        let response = app
            .client
            .post(app.url("/api/auth/login"))
            .header("host", format!("beta.localhost:{port}"))
            .header(header, value.as_str())
            .form(&[("email", "a@example.org"), ("password", "x")])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 403, "{header}: {value}");
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["code"], "cross_site_request");
    }
    // The landing page's header asks `me` from its own origin: allowed.
    let response = app
        .client
        .post(app.url("/api/auth/me"))
        .header("host", format!("localhost:{port}"))
        .header("origin", format!("http://localhost:{port}"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn the_sign_in_form_works_without_javascript() {
    let app = spawn_app().await;
    register(&app, "ada@example.org").await;
    let port = app.addr.port();
    let response = app
        .client
        .post(app.url("/api/auth/login"))
        .header("host", format!("beta.localhost:{port}"))
        .header("origin", format!("http://beta.localhost:{port}"))
        .header("referer", format!("http://beta.localhost:{port}/login"))
        .header("accept", "text/html")
        .form(&[("email", "ada@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .expect("request");
    assert!(response.status().is_redirection(), "{}", response.status());
    assert!(
        session_cookie(&response).is_some(),
        "signed in by a plain form post"
    );
}

#[tokio::test]
async fn the_sign_in_and_register_pages_are_plain_forms_posting_to_the_auth_api() {
    let app = spawn_app().await;
    let login = page(&app, "beta.localhost", "/login", None).await;
    assert_eq!(login.status(), 200);
    let html = login.text().await.expect("html");
    assert!(html.contains("action=\"/api/auth/login\""), "{html}");
    assert!(html.contains("name=\"email\"") && html.contains("name=\"password\""));
    assert!(
        html.contains("for=\"field-email\"") && html.contains("id=\"field-email\""),
        "inputs are labelled"
    );

    let register = page(&app, "beta.localhost", "/register", None).await;
    assert_eq!(register.status(), 200);
    let html = register.text().await.expect("html");
    assert!(html.contains("action=\"/api/auth/register\""));
    assert!(html.contains("name=\"display_name\""));
}

#[tokio::test]
async fn the_account_page_sends_strangers_to_sign_in_and_back() {
    let app = spawn_app().await;
    let response = page(&app, "beta.localhost", "/account", None).await;
    assert!(response.status().is_redirection(), "{}", response.status());
    assert_eq!(location(&response), "/login?returnTo=/account");

    let cookie = register(&app, "ada@example.org").await;
    let response = page(&app, "beta.localhost", "/account", Some(&cookie)).await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("Ada Lovelace")
    );
}

#[tokio::test]
async fn return_to_is_honoured_only_for_same_site_paths() {
    let app = spawn_app().await;
    let cookie = register(&app, "ada@example.org").await;
    for (target, expected) in [
        ("/account", "/account"),
        ("%2F%2Fevil.example", "/"),
        ("https://evil.example", "/"),
        ("%2F%5Cevil.example", "/"),
        ("javascript:alert(1)", "/"),
    ] {
        let response = page(
            &app,
            "beta.localhost",
            &format!("/login?returnTo={target}"),
            Some(&cookie),
        )
        .await;
        assert!(
            response.status().is_redirection(),
            "{target}: {}",
            response.status()
        );
        assert_eq!(location(&response), expected, "{target}");
    }
}

#[tokio::test]
async fn every_site_header_knows_who_is_signed_in() {
    let app = spawn_app().await;
    let cookie = register(&app, "ada@example.org").await;
    let port = app.addr.port();
    for host in ["localhost", "docs.localhost"] {
        // Landing and docs pages are shared by everyone (they are cached): the HTML is
        // the same with or without a session and carries nothing personal...
        let anonymous = page(&app, host, "/", None)
            .await
            .text()
            .await
            .expect("html");
        let signed_in = page(&app, host, "/", Some(&cookie))
            .await
            .text()
            .await
            .expect("html");
        assert_eq!(
            anonymous, signed_in,
            "{host}: the page is the same for everyone"
        );
        assert!(anonymous.contains(">Sign in<"), "{host}");
        assert!(!signed_in.contains("Ada Lovelace"), "{host}");
        assert!(
            signed_in.contains("data-account=\"signed-in\"")
                && signed_in.contains(">Open the app<"),
            "{host}: the signed-in corner is there for the browser to show"
        );
        // ...and the browser asks the shared `me` function on the same host.
        let me = app
            .client
            .post(app.url("/api/auth/me"))
            .header("host", format!("{host}:{port}"))
            .header("origin", format!("http://{host}:{port}"))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("me");
        assert_eq!(me.status(), 200, "{host}");
        let me: serde_json::Value = me.json().await.expect("json");
        assert_eq!(me["display_name"], "Ada Lovelace", "{host}");
    }
    let beta = page(&app, "beta.localhost", "/", Some(&cookie))
        .await
        .text()
        .await
        .expect("html");
    assert!(
        beta.contains("/account\" data-testid=\"account-link\""),
        "the beta header links the account"
    );
}

#[tokio::test]
async fn five_failures_lock_the_account_with_the_same_message_until_the_lock_ends() {
    use domain::accounts::throttle::LockoutPolicy;
    use std::time::Duration;
    let app = crate::helpers::spawn_app_with(crate::helpers::Setup {
        lockout: LockoutPolicy {
            threshold: 5,
            window: Duration::from_secs(900),
            duration: Duration::from_secs(2),
        },
        ..crate::helpers::Setup::default()
    })
    .await;
    register(&app, "ada@example.org").await;
    let wrong = [
        ("email", "ada@example.org"),
        ("password", "not the password at all"),
    ];
    let mut wrong_answer = String::new();
    for _ in 0..5 {
        let response = post(&app, "login", &wrong, None).await;
        assert_eq!(response.status(), 401);
        wrong_answer = response.text().await.expect("body");
    }
    assert_eq!(audit_count(&app, "lockout").await, 1);

    let right = [("email", "ada@example.org"), ("password", PASSWORD)];
    let locked = post(&app, "login", &right, None).await;
    assert_eq!(
        locked.status(),
        401,
        "the right password is refused while locked"
    );
    assert!(session_cookie(&locked).is_none());
    assert_eq!(
        locked.text().await.expect("body"),
        wrong_answer,
        "same message as a wrong password"
    );

    tokio::time::sleep(Duration::from_millis(2100)).await;
    let response = post(&app, "login", &right, None).await;
    assert_eq!(response.status(), 200, "the lock ends");
    assert_eq!(audit_count(&app, "lockout_ended").await, 1);
}

#[tokio::test]
async fn a_session_ends_at_the_absolute_timeout_however_active() {
    let app = crate::helpers::spawn_app_with(crate::helpers::Setup {
        session_absolute_timeout: std::time::Duration::from_secs(2),
        ..crate::helpers::Setup::default()
    })
    .await;
    let cookie = register(&app, "ada@example.org").await;
    assert_eq!(me(&app, &cookie).await["email"], "ada@example.org");
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(me(&app, &cookie).await, serde_json::Value::Null);
}

#[tokio::test]
async fn one_address_hammering_the_auth_api_gets_429_with_retry_after() {
    let app = crate::helpers::spawn_app_with(crate::helpers::Setup {
        auth_rate_limit_per_minute: 5,
        ..crate::helpers::Setup::default()
    })
    .await;
    // Longer than any password may be: refused before any hashing, so the five calls are
    // quick however slow hashing is on this machine (the quota refills every 12 s).
    let too_long = "x".repeat(200);
    let form = [
        ("email", "nobody@example.org"),
        ("password", too_long.as_str()),
    ];
    for _ in 0..5 {
        assert_eq!(post(&app, "login", &form, None).await.status(), 401);
    }
    let limited = post(&app, "login", &form, None).await;
    assert_eq!(limited.status(), 429);
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let body: serde_json::Value = limited.json().await.expect("json");
    assert_eq!(body["code"], "rate_limited");
    // Pages and probes are not limited.
    assert_eq!(
        app.get("beta.localhost", "/")
            .send()
            .await
            .expect("page")
            .status(),
        200
    );
}

/// A sign-in attempt as it arrives through a proxy that says `X-Forwarded-For: <client>`.
async fn login_forwarded_for(app: &crate::helpers::TestApp, client: &str) -> u16 {
    crate::helpers::beta_post(app, "auth/login")
        .header("x-forwarded-for", client)
        .form(&[
            ("email", "nobody@example.org"),
            ("password", "whatever it is"),
        ])
        .send()
        .await
        .expect("login")
        .status()
        .as_u16()
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    // Not trusted: a forged X-Forwarded-For does not buy a fresh quota.
    let app = crate::helpers::spawn_app_with(crate::helpers::Setup {
        auth_rate_limit_per_minute: 3,
        ..crate::helpers::Setup::default()
    })
    .await;
    let statuses: Vec<u16> = statuses_for_clients(
        &app,
        &["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"],
    )
    .await;
    assert_eq!(statuses, [401, 401, 401, 429]);

    // Behind a trusted proxy (the test client's loopback address), each client has its own.
    let app = crate::helpers::spawn_app_with(crate::helpers::Setup {
        auth_rate_limit_per_minute: 3,
        trusted_proxies: vec!["127.0.0.1/32".parse().expect("net")],
        ..crate::helpers::Setup::default()
    })
    .await;
    let statuses = statuses_for_clients(&app, &["203.0.113.1"; 4]).await;
    assert_eq!(statuses, [401, 401, 401, 429]);
    let statuses = statuses_for_clients(&app, &["203.0.113.2", "203.0.113.2"]).await;
    assert_eq!(
        statuses,
        [401, 401],
        "another client is not limited by the first"
    );

    // And the forwarded address is what the audit log and the session list record.
    let response = crate::helpers::beta_post(&app, "auth/register")
        .header("x-forwarded-for", "198.51.100.23")
        .form(&[
            ("email", "ada@example.org"),
            ("password", PASSWORD),
            ("display_name", "Ada"),
        ])
        .send()
        .await
        .expect("register");
    assert_eq!(response.status(), 200);
    let response = crate::helpers::beta_post(&app, "auth/login")
        .header("x-forwarded-for", "198.51.100.23")
        .form(&[("email", "ada@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    let cookie = session_cookie(&response).expect("signed in");
    let listed: serde_json::Value = post(&app, "sessions", &[], Some(&cookie))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed[0]["ip"], "198.51.100.23");
    let audited = crate::helpers::count(
        &app,
        "SELECT COUNT(*) FROM audit_log WHERE action = 'register' AND ip = $1",
        "198.51.100.23",
    )
    .await;
    assert_eq!(audited, 1);
}

async fn statuses_for_clients(app: &crate::helpers::TestApp, clients: &[&str]) -> Vec<u16> {
    let mut statuses = Vec::new();
    for client in clients {
        statuses.push(login_forwarded_for(app, client).await);
    }
    statuses
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_kills_the_old_session_id() {
    let app = spawn_app().await;
    let cookie = register(&app, "ada@example.org").await;
    let new_password = "violet harbour sings backwards";

    let anonymous = change_password(&app, None, PASSWORD, new_password).await;
    assert_eq!(anonymous.status(), 401, "strangers cannot change passwords");

    let wrong = change_password(&app, Some(&cookie), "not my password at all", new_password).await;
    assert_eq!(wrong.status(), 422);
    let body: serde_json::Value = wrong.json().await.expect("json");
    assert_eq!(body["fields"][0]["field"], "current_password");

    let weak = change_password(&app, Some(&cookie), PASSWORD, "password1234").await;
    assert_eq!(weak.status(), 422);

    let changed = change_password(&app, Some(&cookie), PASSWORD, new_password).await;
    assert_eq!(changed.status(), 200);
    let renewed = session_cookie(&changed).expect("a new session id");
    assert_ne!(renewed, cookie);
    assert_eq!(
        me(&app, &cookie).await,
        serde_json::Value::Null,
        "the old id is dead"
    );
    assert_eq!(me(&app, &renewed).await["email"], "ada@example.org");
    assert_eq!(audit_count(&app, "password_change").await, 1);

    assert_eq!(
        login_status(&app, "ada@example.org", PASSWORD).await,
        401,
        "the old password no longer works"
    );
    assert_eq!(
        login_status(&app, "ada@example.org", new_password).await,
        200
    );
}

#[tokio::test]
async fn production_session_cookies_are_secure_http_only_lax_and_shared_by_every_site() {
    let app = crate::helpers::spawn_app_with(crate::helpers::Setup {
        environment: server::config::Environment::Production,
        base_domain: "luckyplans.test".to_owned(),
        ..crate::helpers::Setup::default()
    })
    .await;
    let response = app
        .client
        .post(app.url("/api/auth/register"))
        .header("host", "beta.luckyplans.test")
        .header("origin", "https://beta.luckyplans.test")
        .form(&[
            ("email", "ada@example.org"),
            ("password", PASSWORD),
            ("display_name", "Ada"),
        ])
        .send()
        .await
        .expect("register");
    assert_eq!(response.status(), 200);
    // Registering signs nobody in; signing in sets the cookie.
    let response = app
        .client
        .post(app.url("/api/auth/login"))
        .header("host", "beta.luckyplans.test")
        .header("origin", "https://beta.luckyplans.test")
        .form(&[("email", "ada@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 200);
    let set_cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with("lp_session="))
        .expect("a session cookie")
        .to_owned();
    for attribute in [
        "Secure",
        "HttpOnly",
        "SameSite=Lax",
        "Path=/",
        "Domain=luckyplans.test",
    ] {
        assert!(
            set_cookie.contains(attribute),
            "{attribute} missing: {set_cookie}"
        );
    }
}

#[tokio::test]
async fn the_display_name_can_be_changed_by_its_owner_only() {
    let app = spawn_app().await;
    let cookie = register(&app, "ada@example.org").await;
    let response = post(
        &app,
        "update_profile",
        &[("display_name", "  Countess of Lovelace ")],
        Some(&cookie),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        me(&app, &cookie).await["display_name"],
        "Countess of Lovelace"
    );
    assert_eq!(audit_count(&app, "profile_updated").await, 1);

    let empty = post(
        &app,
        "update_profile",
        &[("display_name", "   ")],
        Some(&cookie),
    )
    .await;
    assert_eq!(empty.status(), 422);
    let body: serde_json::Value = empty.json().await.expect("json");
    assert_eq!(body["fields"][0]["field"], "display_name");
    assert_eq!(
        me(&app, &cookie).await["display_name"],
        "Countess of Lovelace"
    );

    let stranger = post(&app, "update_profile", &[("display_name", "Mallory")], None).await;
    assert_eq!(stranger.status(), 401);
}

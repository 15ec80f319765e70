//! Guarded pages rendered on the server answer with real statuses: a stranger gets a
//! `303 See Other` to the sign-in page, a signed-in non-administrator a `403`, whatever
//! the client says it accepts. A `Location` on a `200` is ignored by clients, which is
//! what a visitor without JavaScript, a crawler or `curl` used to get: a blank page.

use crate::helpers::{TestApp, make_admin, post, register, session_cookie, spawn_app};

/// Every page behind `RequireUser`: (host, path, administrators only).
const PROTECTED: [(&str, &str, bool); 11] = [
    ("beta.localhost", "/account", false),
    ("beta.localhost", "/fleet", false),
    ("beta.localhost", "/fleet/tokens", false),
    ("beta.localhost", "/datasets", false),
    ("beta.localhost", "/backtests", false),
    ("beta.localhost", "/backtests/new", false),
    ("beta.localhost", "/notifications", false),
    ("beta.localhost", "/profile", false),
    ("admin.localhost", "/", true),
    ("admin.localhost", "/users", true),
    ("admin.localhost", "/audit", true),
];

/// What a plain HTTP client sends: no `Accept` at all, `*/*` (curl, reqwest), a
/// crawler's list, and a browser's.
const ACCEPTS: [Option<&str>; 4] = [
    None,
    Some("*/*"),
    Some("application/xhtml+xml;q=0.9,*/*;q=0.8"),
    Some("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
];

async fn get(
    app: &TestApp,
    host: &str,
    path: &str,
    accept: Option<&str>,
    cookie: Option<&str>,
) -> reqwest::Response {
    // Built by hand so that reqwest adds no `Accept` of its own when there is none.
    let mut request = app.get(host, path);
    if let Some(accept) = accept {
        request = request.header("accept", accept);
    }
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.expect("page")
}

fn location(response: &reqwest::Response) -> Option<&str> {
    response
        .headers()
        .get("location")
        .and_then(|value| value.to_str().ok())
}

#[tokio::test]
async fn every_protected_page_sends_a_stranger_to_sign_in_with_a_real_redirect() {
    let app = spawn_app().await;
    for (host, path, _) in PROTECTED {
        for accept in ACCEPTS {
            let response = get(&app, host, path, accept, None).await;
            assert_eq!(
                response.status(),
                303,
                "{host}{path} with Accept {accept:?}"
            );
            assert_eq!(
                location(&response),
                Some(format!("/login?returnTo={path}").as_str()),
                "{host}{path} with Accept {accept:?}"
            );
        }
        // The query comes back too, encoded as one value.
        let response = get(&app, host, &format!("{path}?page=2&q=ada"), None, None).await;
        assert_eq!(response.status(), 303, "{host}{path}?…");
        assert_eq!(
            location(&response),
            Some(format!("/login?returnTo={path}%3Fpage%3D2%26q%3Dada").as_str()),
            "{host}{path}?…"
        );
    }
}

#[tokio::test]
async fn administrator_pages_refuse_a_signed_in_user_with_a_real_403() {
    let app = spawn_app().await;
    let user = register(&app, "ada@example.org").await;
    for (host, path, admins_only) in PROTECTED {
        for accept in ACCEPTS {
            let response = get(&app, host, path, accept, Some(&user)).await;
            let expected = if admins_only { 403 } else { 200 };
            assert_eq!(
                response.status(),
                expected,
                "{host}{path} with Accept {accept:?}"
            );
            assert_eq!(location(&response), None, "{host}{path}: no redirect");
            if admins_only {
                let html = response.text().await.expect("html");
                assert!(html.contains("Administrators only"), "{host}{path}: {html}");
            }
        }
    }
}

#[tokio::test]
async fn an_administrator_gets_every_protected_page() {
    let app = spawn_app().await;
    let cookie = register(&app, "root@example.org").await;
    make_admin(&app, "root@example.org").await;
    // The role change renews the session.
    let renewed = post(&app, "me", &[], Some(&cookie)).await;
    let admin = session_cookie(&renewed).expect("renewed after the role change");
    for (host, path, _) in PROTECTED {
        let response = get(&app, host, path, None, Some(&admin)).await;
        assert_eq!(response.status(), 200, "{host}{path}");
        assert_eq!(location(&response), None, "{host}{path}");
    }
}

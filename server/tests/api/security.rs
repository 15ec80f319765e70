use crate::helpers::{Setup, spawn_app, spawn_app_with};
use server::config::Environment;

fn nonce_in_csp(csp: &str) -> &str {
    let start = csp.find("'nonce-").expect("a nonce") + "'nonce-".len();
    csp[start..].split('\'').next().expect("nonce end")
}

/// The bodies of the page's inline scripts.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let tag_end = after.find('>').expect("tag end");
        let body = &after[tag_end + 1..];
        let close = body.find("</script>").expect("closed script");
        if !after[..tag_end].contains(" src=") {
            scripts.push(&body[..close]);
        }
        rest = &body[close..];
    }
    scripts
}

fn assert_strict(host: &str, headers: &reqwest::header::HeaderMap) -> String {
    let csp = headers["content-security-policy"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(csp.contains("default-src 'self'"), "{host}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{host}: {csp}");
    assert!(csp.contains("object-src 'none'"), "{host}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{host}: {csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(
        headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(
        headers.get("strict-transport-security").is_none(),
        "no HSTS in development"
    );
    csp
}

#[tokio::test]
async fn app_pages_carry_a_strict_csp_whose_nonce_matches_the_inline_script() {
    let app = spawn_app().await;
    let mut nonces = Vec::new();
    for host in ["beta.localhost", "admin.localhost", "beta.localhost"] {
        let (_, headers, html) = app.page(host, "/").await;
        let csp = assert_strict(host, &headers);
        let nonce = nonce_in_csp(&csp).to_owned();
        assert!(
            html.contains(&format!("<script type=\"module\" nonce=\"{nonce}\"")),
            "{host}: the hydration script carries the response's nonce"
        );
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 3, "every response gets a fresh nonce");
}

#[tokio::test]
async fn cached_pages_allow_exactly_their_own_inline_scripts_by_hash() {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};

    let app = spawn_app().await;
    for (host, path) in [
        ("localhost", "/"),
        ("docs.localhost", "/"),
        ("docs.localhost", "/guides/edge-agents"),
        ("docs.localhost", "/blog"),
        ("docs.localhost", "/no-such-page"),
        ("docs.localhost", "/search?q=agent"),
    ] {
        for _ in 0..2 {
            let (_, headers, html) = app.page(host, path).await;
            let csp = assert_strict(host, &headers);
            assert!(!csp.contains("'nonce-"), "{host}{path}: {csp}");
            assert_eq!(
                html.matches(" nonce=\"").count(),
                html.matches(" nonce=\"\"").count(),
                "{host}{path}: a cached page carries no nonce"
            );
            let scripts = inline_scripts(&html);
            assert!(
                !scripts.is_empty(),
                "{host}{path}: the bundle loader is inline"
            );
            for script in scripts {
                let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
                assert!(
                    csp.contains(&format!("'sha256-{hash}'")),
                    "{host}{path}: {script:?} is not allowed by {csp}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_404_page_is_protected_like_any_other_page() {
    let app = spawn_app().await;
    let (status, headers, _) = app.page("beta.localhost", "/missing").await;
    assert_eq!(status, 404);
    assert!(headers.contains_key("content-security-policy"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn production_behind_tls_sends_hsts() {
    let app = spawn_app_with(Setup {
        environment: Environment::Production,
        base_domain: "luckyplans.test".to_owned(),
        ..Setup::default()
    })
    .await;
    let (_, headers, html) = app.page("luckyplans.test", "/").await;
    let hsts = headers["strict-transport-security"]
        .to_str()
        .expect("ascii");
    assert!(hsts.starts_with("max-age=63072000"), "{hsts}");
    let csp = headers["content-security-policy"].to_str().expect("ascii");
    assert!(csp.contains("upgrade-insecure-requests"));
    assert!(
        html.contains("https://docs.luckyplans.test/"),
        "production links are https without a port"
    );
}

/// The `X-Request-Id` a response carries, which must be a freshly minted UUID.
fn minted_id(response: &reqwest::Response, given: &str) -> String {
    let id = response.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_ne!(id, given, "a client's own id was kept");
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");
    id
}

#[tokio::test]
async fn every_response_has_a_request_id_and_a_client_cannot_choose_it() {
    let app = spawn_app().await;
    let response = app
        .get("localhost", "/health")
        .send()
        .await
        .expect("request");
    let first = minted_id(&response, "");

    // No proxy is trusted: whoever connects is a client, and its id is replaced.
    let response = app
        .get("localhost", "/health")
        .header("x-request-id", &first)
        .send()
        .await
        .expect("request");
    let second = minted_id(&response, &first);
    assert_ne!(first, second, "a new id for every request");
    let response = app
        .get("beta.localhost", "/login")
        .header("x-request-id", "chosen-by-the-client")
        .send()
        .await
        .expect("request");
    minted_id(&response, "chosen-by-the-client");
}

#[tokio::test]
async fn a_trusted_proxys_request_id_is_kept_unless_it_is_unfit_for_logs() {
    let app = spawn_app_with(Setup {
        trusted_proxies: vec!["127.0.0.1/32".parse().expect("net")],
        ..Setup::default()
    })
    .await;
    let response = app
        .get("localhost", "/health")
        .header("x-request-id", "lb-1234")
        .send()
        .await
        .expect("request");
    assert_eq!(response.headers()["x-request-id"], "lb-1234");

    let long = "a".repeat(129);
    for unfit in ["", "two words", long.as_str()] {
        let response = app
            .get("localhost", "/health")
            .header("x-request-id", unfit)
            .send()
            .await
            .expect("request");
        minted_id(&response, unfit);
    }
}

/// The headers a cross-site page's form post or fetch would carry, one kind at a time.
fn cross_site_headers() -> [(&'static str, &'static str); 3] {
    [
        ("origin", "https://evil.example"),
        ("referer", "https://evil.example/page"),
        ("sec-fetch-site", "cross-site"),
    ]
}

#[tokio::test]
async fn cross_site_password_changes_and_sign_outs_with_a_valid_cookie_change_nothing() {
    use crate::helpers::{PASSWORD, login_status, me, register, sign_in};

    let app = spawn_app().await;
    let other = register(&app, "ada@example.org").await;
    let current = sign_in(&app, "ada@example.org", "Firefox/133.0").await;
    let port = app.addr.port();
    let new_password = "violet harbour sings backwards";
    for (header, value) in cross_site_headers() {
        for (endpoint, form) in [
            (
                "change_password",
                vec![
                    ("current_password", PASSWORD),
                    ("new_password", new_password),
                ],
            ),
            ("end_other_sessions", vec![]),
        ] {
            let response = app
                .client
                .post(app.url(&format!("/api/auth/{endpoint}")))
                .header("host", format!("beta.localhost:{port}"))
                .header(header, value)
                .header("cookie", &current)
                .form(&form)
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 403, "{endpoint} with {header}: {value}");
            let body: serde_json::Value = response.json().await.expect("json");
            assert_eq!(body["code"], "cross_site_request");
        }
    }
    // Nothing changed: both sessions live, the password is the old one.
    assert!(!me(&app, &other).await.is_null(), "the other session lives");
    assert!(!me(&app, &current).await.is_null(), "this session lives");
    assert_eq!(
        login_status(&app, "ada@example.org", PASSWORD).await,
        200,
        "the password is unchanged"
    );
    assert_eq!(
        login_status(&app, "ada@example.org", new_password).await,
        401
    );
}

use crate::helpers::{Setup, spawn_app, spawn_app_with};
use server::config::Environment;

fn nonce_in_csp(csp: &str) -> &str {
    let start = csp.find("'nonce-").expect("a nonce") + "'nonce-".len();
    csp[start..].split('\'').next().expect("nonce end")
}

#[tokio::test]
async fn html_pages_carry_a_strict_csp_whose_nonce_matches_the_inline_script() {
    let app = spawn_app().await;
    let mut nonces = Vec::new();
    for host in [
        "localhost",
        "docs.localhost",
        "beta.localhost",
        "admin.localhost",
    ] {
        let (_, headers, html) = app.page(host, "/").await;
        let csp = headers["content-security-policy"].to_str().expect("ascii");
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("object-src 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        let nonce = nonce_in_csp(csp).to_owned();
        assert!(
            html.contains(&format!("<script type=\"module\" nonce=\"{nonce}\"")),
            "{host}: the hydration script carries the response's nonce"
        );
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
        nonces.push(nonce);
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 4, "every response gets a fresh nonce");
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

#[tokio::test]
async fn every_response_has_a_request_id_and_a_given_one_is_kept() {
    let app = spawn_app().await;
    let response = app
        .get("localhost", "/health")
        .send()
        .await
        .expect("request");
    let id = response.headers()["x-request-id"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(uuid::Uuid::parse_str(&id).is_ok(), "{id}");

    let response = app
        .get("localhost", "/")
        .header("x-request-id", "lb-1234")
        .send()
        .await
        .expect("request");
    assert_eq!(response.headers()["x-request-id"], "lb-1234");
}

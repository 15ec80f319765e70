use crate::helpers::{Setup, is_html, spawn_app, spawn_app_with};

/// The opening `<html …>` tag.
fn html_tag(html: &str) -> &str {
    let start = html.find("<html").expect("an html tag");
    let end = html[start..].find('>').expect("tag end");
    &html[start..start + end]
}

fn site_of(html: &str) -> Option<&str> {
    let start = html.find("data-site=\"")? + "data-site=\"".len();
    html[start..].split('"').next()
}

#[tokio::test]
async fn each_host_serves_its_own_site() {
    let app = spawn_app().await;
    // The admin host's home page is for administrators only (a stranger is sent to
    // sign in, see `protected_pages`); its sign-in page is open to everyone.
    for (host, path, site, marker) in [
        (
            "localhost",
            "/",
            "landing",
            "Test trading strategies on machines you control",
        ),
        ("docs.localhost", "/", "docs", "One server, four sites"),
        (
            "beta.localhost",
            "/",
            "beta",
            "Your strategies, tested on your machines",
        ),
        ("admin.localhost", "/login", "admin", "Sign in"),
    ] {
        let (status, headers, html) = app.page(host, path).await;
        assert_eq!(status, 200, "{host}");
        assert!(is_html(&headers), "{host}");
        assert_eq!(site_of(&html), Some(site), "{host}");
        assert!(html.contains(marker), "{host} lacks {marker:?}");
        assert!(html.contains("<header"), "{host} has no header");
        assert!(html.contains("<footer"), "{host} has no footer");
        assert!(html.contains("/pkg/"), "{host} has no hydration bundle");
    }
}

#[tokio::test]
async fn routing_ignores_the_port_and_the_case_of_the_host() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/"))
        .header("host", "DOCS.LocalHost:9999")
        .send()
        .await
        .expect("request");
    let html = response.text().await.expect("body");
    assert_eq!(site_of(&html), Some("docs"));
}

#[tokio::test]
async fn unknown_hosts_get_the_landing_site() {
    let app = spawn_app().await;
    for host in [
        "evil.example",
        "docs.localhost.evil.example",
        "api.localhost",
        "127.0.0.1",
    ] {
        let (status, _, html) = app.page(host, "/").await;
        assert_eq!(status, 200, "{host}");
        assert_eq!(site_of(&html), Some("landing"), "{host}");
    }
}

#[tokio::test]
async fn production_hosts_follow_the_configured_base_domain() {
    let app = spawn_app_with(Setup {
        base_domain: "luckyplans.test".to_owned(),
        ..Setup::default()
    })
    .await;
    let (_, _, html) = app.page("beta.luckyplans.test", "/").await;
    assert_eq!(site_of(&html), Some("beta"));
    // The old default domain is just another unknown host now.
    let (_, _, html) = app.page("beta.localhost", "/").await;
    assert_eq!(site_of(&html), Some("landing"));
    // Links between sites use the base domain.
    assert!(
        html.contains("http://docs.luckyplans.test:"),
        "cross-site links use the base domain"
    );
}

#[tokio::test]
async fn every_site_answers_unknown_paths_with_its_own_404_page() {
    let app = spawn_app().await;
    for (host, site) in [
        ("localhost", "landing"),
        ("docs.localhost", "docs"),
        ("beta.localhost", "beta"),
        ("admin.localhost", "admin"),
    ] {
        let (status, headers, html) = app.page(host, "/no/such/page").await;
        assert_eq!(status, 404, "{host}");
        assert!(is_html(&headers), "{host}");
        assert_eq!(site_of(&html), Some(site), "{host}");
        assert!(html.contains("This page does not exist"), "{host}");
    }
    let (status, _, _) = app.page("docs.localhost", "/not-a-doc").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn docs_pages_render_their_markdown() {
    let app = spawn_app().await;
    let (status, _, html) = app.page("docs.localhost", "/reference/configuration").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("LP_BASE_DOMAIN"),
        "the configuration reference lists settings"
    );
    assert!(
        html.contains("aria-current=\"page\""),
        "the sidebar marks the current page"
    );
}

#[tokio::test]
async fn the_theme_cookie_is_rendered_by_the_server_so_nothing_flashes() {
    let app = spawn_app().await;
    for (cookie, expected) in [("lp_theme=dark", "dark"), ("a=1; lp_theme=light", "light")] {
        let (_, _, html) = app.page_with_cookie("localhost", "/", cookie).await;
        let tag = html_tag(&html);
        assert!(
            tag.contains(&format!(" class=\"{expected}\"")),
            "{cookie}: {tag}"
        );
    }
    let (_, _, html) = app.page("localhost", "/").await;
    let tag = html_tag(&html);
    assert!(
        !tag.contains("dark") && !tag.contains("light"),
        "no cookie: follow the system: {tag}"
    );
    let (_, _, html) = app
        .page_with_cookie("localhost", "/", "lp_theme=\"><script>alert(1)</script>")
        .await;
    assert!(!html.contains("alert(1)"), "cookie values are never echoed");
}

use crate::helpers::{SECRET_FILE_CONTENT, spawn_app};

fn bundle_dir(html: &str) -> String {
    let start = html.find("href=\"/pkg/").expect("a bundle link") + "href=\"".len();
    let link = &html[start..];
    let end = link.find("/luckyplans.").expect("bundle file");
    link[..end].to_owned()
}

#[tokio::test]
async fn the_bundle_is_served_versioned_with_long_caching_and_correct_types() {
    let app = spawn_app().await;
    let (_, _, html) = app.page("localhost", "/").await;
    let dir = bundle_dir(&html);
    assert!(
        dir.len() == "/pkg/".len() + 16,
        "versioned bundle path: {dir}"
    );

    for (file, content_type) in [
        ("luckyplans.wasm", "application/wasm"),
        ("luckyplans.js", "text/javascript"),
        ("luckyplans.css", "text/css"),
    ] {
        let response = app
            .get("localhost", &format!("{dir}/{file}"))
            .send()
            .await
            .expect("asset");
        assert_eq!(response.status(), 200, "{file}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with(content_type),
            "{file}: {:?}",
            response.headers()["content-type"]
        );
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable",
            "{file}"
        );
    }

    let response = app
        .get("localhost", "/pkg/luckyplans.js")
        .send()
        .await
        .expect("asset");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-cache");

    let response = app
        .get("localhost", "/favicon.svg")
        .send()
        .await
        .expect("favicon");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    assert_eq!(response.headers()["cache-control"], "public, max-age=3600");
}

#[tokio::test]
async fn each_site_serves_its_own_bundle() {
    let app = spawn_app().await;
    for (host, marker) in [
        ("localhost", "landing"),
        ("docs.localhost", "docs"),
        ("beta.localhost", "beta"),
        ("admin.localhost", "beta"),
    ] {
        let body = app
            .get(host, "/pkg/luckyplans.js")
            .send()
            .await
            .expect("asset")
            .text()
            .await
            .expect("body");
        assert!(
            body.contains(&format!("// {marker}")),
            "{host} serves the {marker} bundle"
        );
    }
}

#[tokio::test]
async fn responses_are_compressed_with_brotli_or_gzip() {
    let app = spawn_app().await;
    for (accept, expected) in [("br", "br"), ("gzip", "gzip"), ("br, gzip", "br")] {
        for path in ["/", "/pkg/luckyplans.js"] {
            let response = app
                .get("localhost", path)
                .header("accept-encoding", accept)
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 200);
            assert_eq!(
                response.headers()["content-encoding"],
                expected,
                "{path} with Accept-Encoding: {accept}"
            );
        }
    }
    let response = app.get("localhost", "/").send().await.expect("request");
    assert!(response.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn paths_leaving_the_site_folder_are_never_served() {
    let app = spawn_app().await;
    for path in [
        "/pkg/../secret.txt",
        "/pkg/../../secret.txt",
        "/../secret.txt",
        "/../../secret.txt",
        "/pkg/%2e%2e/secret.txt",
        "/pkg/%2e%2e/%2e%2e/secret.txt",
        "/pkg/..%2fsecret.txt",
        "/pkg/..%2f..%2fsecret.txt",
        "/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/pkg/..%5c..%5csecret.txt",
        "/pkg/0123456789abcdef/../../secret.txt",
        "/pkg/0123456789abcdef/..%2f..%2fsecret.txt",
        "//etc/passwd",
        "/pkg//etc/passwd",
    ] {
        // Sent byte for byte: an HTTP client library would normalise the dots away.
        let response = raw_get(app.addr, path).await;
        let status = response.lines().next().unwrap_or_default().to_owned();
        assert!(
            !response.contains(SECRET_FILE_CONTENT),
            "{path} leaked the secret"
        );
        assert!(
            !response.contains("root:x:0:0"),
            "{path} leaked /etc/passwd"
        );
        assert!(
            status.contains(" 404 ") || status.contains(" 400 "),
            "{path}: {status}"
        );
    }
}

async fn raw_get(addr: std::net::SocketAddr, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.expect("read");
    String::from_utf8_lossy(&response).into_owned()
}

//! The landing and docs sites as a visitor and a crawler see them: every link and
//! anchor resolves, the sitemap and the feeds list everything, pages come from the
//! cache with validators and compressed forms, and search works with and without
//! JavaScript.

use std::collections::{BTreeSet, HashMap, VecDeque};

use crate::helpers::{TestApp, spawn_app};

/// Values of `name="…"` attributes in `html`, entities decoded where links use them.
fn attribute_values(html: &str, name: &str) -> Vec<String> {
    let needle = format!(" {name}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&needle) {
        let after = &rest[start + needle.len()..];
        let end = after.find('"').expect("closed attribute");
        values.push(after[..end].replace("&amp;", "&"));
        rest = &after[end..];
    }
    values
}

/// `(host, path)` of a link on `from_host`, when it points at one of our sites.
fn internal_target(app: &TestApp, from_host: &str, href: &str) -> Option<(String, String)> {
    let port = app.addr.port();
    if href.starts_with('/') && !href.starts_with("//") {
        return Some((from_host.to_owned(), href.to_owned()));
    }
    let url = url::Url::parse(href).ok()?;
    let host = url.host_str()?;
    (host.ends_with("localhost") && url.port() == Some(port)).then(|| {
        let mut path = url.path().to_owned();
        if let Some(query) = url.query() {
            path = format!("{path}?{query}");
        }
        if let Some(fragment) = url.fragment() {
            path = format!("{path}#{fragment}");
        }
        (host.to_owned(), path)
    })
}

struct Crawl {
    /// `host + path` of every HTML page reached, with its HTML.
    pages: HashMap<(String, String), String>,
}

/// Follows every link from the landing and docs home pages, checking that each target
/// answers and each `#anchor` exists; external links must be well-formed `http(s)` or
/// `mailto` URLs.
async fn crawl(app: &TestApp) -> Crawl {
    let mut queue: VecDeque<(String, String)> = VecDeque::from([
        ("localhost".to_owned(), "/".to_owned()),
        ("docs.localhost".to_owned(), "/".to_owned()),
    ]);
    let mut seen = BTreeSet::new();
    let mut pages = HashMap::new();
    let mut anchors: Vec<(String, String, String, String)> = Vec::new();
    while let Some((host, path)) = queue.pop_front() {
        if !seen.insert((host.clone(), path.clone())) {
            continue;
        }
        let response = app.get(&host, &path).send().await.expect("request");
        let status = response.status();
        assert_eq!(status, 200, "{host}{path} answers {status}");
        let is_html = response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/html"));
        let body = response.text().await.expect("body");
        // Only the public sites are crawled; links into the app are checked, not followed.
        if !is_html || !matches!(host.as_str(), "localhost" | "docs.localhost") {
            continue;
        }
        for href in attribute_values(&body, "href") {
            if let Some(anchor) = href.strip_prefix('#') {
                anchors.push((host.clone(), path.clone(), anchor.to_owned(), path.clone()));
                continue;
            }
            match internal_target(app, &host, &href) {
                Some((target_host, target)) => {
                    let (target_path, fragment) = match target.split_once('#') {
                        Some((path, fragment)) => (path.to_owned(), Some(fragment.to_owned())),
                        None => (target, None),
                    };
                    if let Some(fragment) = fragment {
                        anchors.push((
                            target_host.clone(),
                            target_path.clone(),
                            fragment,
                            path.clone(),
                        ));
                    }
                    if !target_path.starts_with("/pkg/") {
                        queue.push_back((target_host, target_path));
                    }
                }
                None => {
                    let url = url::Url::parse(&href)
                        .unwrap_or_else(|err| panic!("{host}{path}: bad link {href:?}: {err}"));
                    assert!(
                        matches!(url.scheme(), "http" | "https" | "mailto"),
                        "{host}{path}: link {href:?} has scheme {}",
                        url.scheme()
                    );
                }
            }
        }
        pages.insert((host, path), body);
    }
    for (host, path, anchor, from) in anchors {
        let html = pages
            .get(&(host.clone(), path.clone()))
            .unwrap_or_else(|| panic!("{host}{path} (linked from {from}) was not crawled"));
        assert!(
            html.contains(&format!(" id=\"{anchor}\"")),
            "{host}{path}#{anchor}, linked from {from}, has no such anchor"
        );
    }
    Crawl { pages }
}

#[tokio::test]
async fn every_link_and_anchor_on_the_public_sites_resolves() {
    let app = spawn_app().await;
    let crawl = crawl(&app).await;
    let docs = crawl
        .pages
        .keys()
        .filter(|(host, _)| host == "docs.localhost")
        .count();
    let library = docs::content::check().expect("content");
    assert!(
        docs >= library.pages.len() + library.posts.len(),
        "only {docs} docs pages were reached"
    );
    // Each page states its canonical URL and sharing metadata.
    for ((host, path), html) in &crawl.pages {
        if path.starts_with("/search") {
            continue;
        }
        assert!(html.contains("rel=\"canonical\""), "{host}{path}");
        assert!(html.contains("property=\"og:title\""), "{host}{path}");
        assert!(html.contains("name=\"twitter:card\""), "{host}{path}");
        assert!(html.contains("name=\"description\""), "{host}{path}");
    }
}

fn sitemap_paths(xml: &str, origin: &str) -> BTreeSet<String> {
    xml.split("<loc>")
        .skip(1)
        .map(|rest| rest.split("</loc>").next().expect("closed loc"))
        .map(|url| {
            url.strip_prefix(origin)
                .unwrap_or_else(|| panic!("{url} is not on {origin}"))
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_sitemap_lists_every_page_and_only_pages_that_exist() {
    let app = spawn_app().await;
    let crawl = crawl(&app).await;
    let port = app.addr.port();
    let (status, headers, xml) = app.page("docs.localhost", "/sitemap.xml").await;
    assert_eq!(status, 200);
    assert!(
        headers["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/xml")
    );
    let listed = sitemap_paths(&xml, &format!("http://docs.localhost:{port}"));
    let crawled: BTreeSet<String> = crawl
        .pages
        .keys()
        .filter(|(host, path)| host == "docs.localhost" && !path.starts_with("/search"))
        .map(|(_, path)| path.clone())
        .collect();
    assert_eq!(listed, crawled, "sitemap and reachable pages differ");

    let (_, _, landing) = app.page("localhost", "/sitemap.xml").await;
    assert_eq!(
        sitemap_paths(&landing, &format!("http://localhost:{port}")),
        BTreeSet::from(["/".to_owned()])
    );
    for (host, indexed) in [
        ("localhost", true),
        ("docs.localhost", true),
        ("beta.localhost", false),
        ("admin.localhost", false),
    ] {
        let (status, _, robots) = app.page(host, "/robots.txt").await;
        assert_eq!(status, 200, "{host}");
        assert_eq!(robots.contains("Sitemap: "), indexed, "{host}: {robots}");
        assert_eq!(robots.contains("Disallow: /"), !indexed, "{host}: {robots}");
    }
}

#[tokio::test]
async fn the_atom_and_rss_feeds_parse_and_list_every_post() {
    let app = spawn_app().await;
    let library = docs::content::check().expect("content");
    let port = app.addr.port();
    for (path, content_type) in [
        ("/blog/atom.xml", "application/atom+xml"),
        ("/blog/rss.xml", "application/rss+xml"),
    ] {
        let response = app.get("docs.localhost", path).send().await.expect("feed");
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with(content_type),
            "{path}"
        );
        let bytes = response.bytes().await.expect("body");
        let feed = feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|err| panic!("{path}: {err}"));
        assert_eq!(feed.entries.len(), library.posts.len(), "{path}");
        for post in &library.posts {
            let url = format!("http://docs.localhost:{port}{}", post.url);
            let entry = feed
                .entries
                .iter()
                .find(|entry| entry.links.iter().any(|link| link.href == url))
                .unwrap_or_else(|| panic!("{path} lacks {url}"));
            assert_eq!(
                entry.title.as_ref().map(|t| t.content.as_str()),
                Some(post.title.as_str())
            );
            assert!(entry.published.is_some(), "{path}: {url} has no date");
        }
    }
}

#[tokio::test]
async fn pages_come_from_the_cache_with_validators_and_compressed_forms() {
    let app = spawn_app().await;
    let first = app
        .get("docs.localhost", "/guides/accounts")
        .send()
        .await
        .expect("page");
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].clone();
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let first_body = first.bytes().await.expect("body");
    let second = app
        .get("docs.localhost", "/guides/accounts")
        .send()
        .await
        .expect("page");
    assert_eq!(second.headers()["etag"], etag);
    assert_eq!(
        second.bytes().await.expect("body"),
        first_body,
        "the same bytes every time"
    );

    let revalidated = app
        .get("docs.localhost", "/guides/accounts")
        .header("if-none-match", etag.clone())
        .send()
        .await
        .expect("conditional");
    assert_eq!(revalidated.status(), 304);

    for encoding in ["br", "gzip"] {
        let compressed = app
            .get("docs.localhost", "/guides/accounts")
            .header("accept-encoding", encoding)
            .send()
            .await
            .expect("compressed");
        assert_eq!(compressed.headers()["content-encoding"], encoding);
        let body = compressed.bytes().await.expect("body");
        assert!(
            body.len() * 3 < first_body.len(),
            "{encoding}: {} of {}",
            body.len(),
            first_body.len()
        );
    }

    // The theme choice changes the HTML, so it is part of the key.
    let (_, _, dark) = app
        .page_with_cookie("docs.localhost", "/guides/accounts", "lp_theme=dark")
        .await;
    assert!(dark.contains("class=\"dark\""));
    let (_, _, plain) = app.page("docs.localhost", "/guides/accounts").await;
    assert!(!plain.contains("class=\"dark\""));
}

#[tokio::test]
async fn search_answers_the_server_function_and_the_plain_form() {
    let app = spawn_app().await;
    let response = app
        .get(
            "docs.localhost",
            "/api/docs/search?query=enrollment%20token",
        )
        .send()
        .await
        .expect("search");
    assert_eq!(response.status(), 200);
    let hits: serde_json::Value = response.json().await.expect("json");
    let hits = hits.as_array().expect("a list");
    assert!(!hits.is_empty());
    assert!(
        hits.iter().any(|hit| hit["url"]
            .as_str()
            .is_some_and(|url| url.starts_with("/guides/edge-agents"))),
        "{hits:#?}"
    );
    assert!(hits.iter().all(|hit| {
        hit["snippet"]
            .as_str()
            .is_some_and(|s| s.contains("<mark>"))
    }));

    let too_long = "a".repeat(201);
    let response = app
        .get(
            "docs.localhost",
            &format!("/api/docs/search?query={too_long}"),
        )
        .send()
        .await
        .expect("search");
    assert_eq!(response.status(), 422);
    let error: serde_json::Value = response.json().await.expect("json");
    assert_eq!(error["code"], "invalid_input");

    // Without JavaScript: the header form's GET lands on a results page.
    let (status, _, html) = app
        .page("docs.localhost", "/search?q=enrollment+token")
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("<mark>"), "results with highlighted words");
    assert!(
        html.contains("href=\"/guides/edge-agents"),
        "links to the page"
    );
    let (_, _, html) = app.page("docs.localhost", "/search?q=zzqqxx").await;
    assert!(html.contains("Nothing matches"));
}

#[tokio::test]
async fn the_docs_404_page_offers_search_and_pages_offer_an_edit_link() {
    let app = spawn_app().await;
    let (status, _, html) = app.page("docs.localhost", "/guides/nope").await;
    assert_eq!(status, 404);
    assert!(html.contains("action=\"/search\""));
    let (_, _, html) = app.page("docs.localhost", "/operate/operations").await;
    assert!(html.contains(&format!(
        "href=\"{}/docs/operate/operations.md\"",
        server::config::DEFAULT_DOCS_EDIT_URL
    )));
    assert!(
        html.contains("aria-label=\"On this page\""),
        "a table of contents"
    );
    assert!(
        html.contains("aria-current=\"page\""),
        "the sidebar marks the page"
    );
}

/// The opening tags of every `<name …>` element in `html`.
fn opening_tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let needle = format!("<{name}");
    html.match_indices(&needle)
        .filter(|(start, _)| {
            html[start + needle.len()..]
                .chars()
                .next()
                .is_some_and(|c| c == ' ' || c == '>')
        })
        .map(|(start, _)| {
            let end = html[start..].find('>').expect("tag end");
            &html[start..=start + end]
        })
        .collect()
}

#[tokio::test]
async fn landmarks_have_unique_names_and_code_scrollers_take_keyboard_focus() {
    let app = spawn_app().await;
    let crawl = crawl(&app).await;
    let mut code_blocks = 0;
    for ((host, path), html) in &crawl.pages {
        // Two landmarks of one role need names that tell them apart (axe `landmark-unique`).
        for role in ["nav", "aside"] {
            let names: Vec<String> = opening_tags(html, role)
                .into_iter()
                // An explicit role (admonitions are `role="note"`) makes it no landmark.
                .filter(|tag| !tag.contains(" role=\""))
                .map(|tag| {
                    attribute_values(tag, "aria-label")
                        .pop()
                        .unwrap_or_default()
                })
                .collect();
            let unique: BTreeSet<&String> = names.iter().collect();
            assert_eq!(
                unique.len(),
                names.len(),
                "{host}{path}: <{role}> landmarks share a name: {names:?}"
            );
        }
        // Code scrolls sideways: keyboard users must reach the scroller (axe
        // `scrollable-region-focusable`), and hear what it is.
        for tag in opening_tags(html, "pre") {
            code_blocks += 1;
            assert!(tag.contains(" tabindex=\"0\""), "{host}{path}: {tag}");
            assert!(tag.contains(" role=\"region\""), "{host}{path}: {tag}");
            assert!(
                attribute_values(tag, "aria-label")
                    .first()
                    .is_some_and(|label| !label.is_empty()),
                "{host}{path}: {tag}"
            );
        }
    }
    assert!(code_blocks > 0, "the docs show code");
}

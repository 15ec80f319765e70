//! What crawlers and feed readers fetch: `robots.txt` and `sitemap.xml` on every host,
//! and the blog's Atom and RSS feeds on the docs host. All of it is made once, at start.

use app::site::{Site, SiteUrls};
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;

/// A fixed body with its content type, cached by clients for an hour.
fn document(
    content_type: &'static str,
    body: Bytes,
) -> impl Fn() -> std::future::Ready<Response> + Clone {
    move || {
        let mut response = body.clone().into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        );
        std::future::ready(response)
    }
}

/// The routes of one site.
pub fn routes(site: Site, urls: &SiteUrls) -> Router {
    let origin = urls.origin(site);
    let indexed = matches!(site, Site::Landing | Site::Docs);
    let robots = if indexed {
        format!("User-agent: *\nAllow: /\n\nSitemap: {origin}/sitemap.xml\n")
    } else {
        // The product app and the admin section are behind sign-in: nothing to index.
        "User-agent: *\nDisallow: /\n".to_owned()
    };
    let mut router = Router::new().route(
        "/robots.txt",
        get(document("text/plain; charset=utf-8", Bytes::from(robots))),
    );
    let pages: Vec<(String, Option<NaiveDate>)> = match site {
        Site::Landing => vec![("/".to_owned(), None)],
        Site::Docs => docs::content::library()
            .map(docs::feeds::published_urls)
            .unwrap_or_default(),
        Site::Beta | Site::Admin => Vec::new(),
    };
    if indexed {
        router = router.route(
            "/sitemap.xml",
            get(document(
                "application/xml; charset=utf-8",
                Bytes::from(sitemap(&origin, &pages)),
            )),
        );
    }
    if site == Site::Docs
        && let Some(library) = docs::content::library()
    {
        router = router
            .route(
                "/blog/atom.xml",
                get(document(
                    "application/atom+xml; charset=utf-8",
                    Bytes::from(docs::feeds::atom(library, &origin)),
                )),
            )
            .route(
                "/blog/rss.xml",
                get(document(
                    "application/rss+xml; charset=utf-8",
                    Bytes::from(docs::feeds::rss(library, &origin)),
                )),
            );
    }
    router
}

/// A sitemap (sitemaps.org 0.9) of `pages`, given as paths on `origin`.
pub fn sitemap(origin: &str, pages: &[(String, Option<NaiveDate>)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (path, updated) in pages {
        xml.push_str("  <url><loc>");
        xml.push_str(&escape_xml(&format!("{origin}{path}")));
        xml.push_str("</loc>");
        if let Some(date) = updated {
            xml.push_str(&format!("<lastmod>{date}</lastmod>"));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sitemap_entries_are_absolute_and_escaped() {
        let xml = sitemap(
            "https://docs.example.org",
            &[
                ("/".to_owned(), None),
                (
                    "/a?b=1&c=2".to_owned(),
                    NaiveDate::from_ymd_opt(2026, 11, 22),
                ),
            ],
        );
        assert!(xml.contains("<loc>https://docs.example.org/</loc>"));
        assert!(xml.contains(
            "<loc>https://docs.example.org/a?b=1&amp;c=2</loc><lastmod>2026-11-22</lastmod>"
        ));
    }
}

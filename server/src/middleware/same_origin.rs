//! Cross-site request forgery defence: a state-changing request from a browser must come
//! from one of our own sites. Covers server functions and the sign-in form (login CSRF).
//!
//! Browsers send `Origin` on every POST; `Referer` is the fallback, then
//! `Sec-Fetch-Site`. A request with none of them is not from a browser, so carries no
//! ambient cookies worth forging, and passes.

use std::sync::Arc;

use app::site::{Site, SiteUrls};
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::routes::error_body::ErrorResponse;

/// The origins allowed to send state-changing requests.
#[derive(Clone, Debug)]
pub struct OwnOrigins(Vec<String>);

impl OwnOrigins {
    pub fn new(urls: &SiteUrls) -> Self {
        Self(
            Site::ALL
                .into_iter()
                .map(|site| urls.origin(site))
                .collect(),
        )
    }

    fn contains(&self, origin: &str) -> bool {
        self.0.iter().any(|own| own.eq_ignore_ascii_case(origin))
    }

    /// Whether the headers show a request from one of our sites (or from no browser).
    fn allows(&self, headers: &HeaderMap) -> bool {
        let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
        if let Some(origin) = headers.get(header::ORIGIN) {
            return origin.to_str().is_ok_and(|origin| self.contains(origin));
        }
        if let Some(referer) = text(header::REFERER.as_str()) {
            return url::Url::parse(referer)
                .is_ok_and(|url| self.contains(&url.origin().ascii_serialization()));
        }
        match text(SEC_FETCH_SITE) {
            None | Some("same-origin" | "none") => true,
            Some(_) => false,
        }
    }
}

const SEC_FETCH_SITE: &str = "sec-fetch-site";

fn changes_state(method: &Method) -> bool {
    !matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    )
}

/// The middleware: 403 with a typed error for a cross-site state-changing request.
pub async fn same_origin(
    State(origins): State<Arc<OwnOrigins>>,
    request: Request,
    next: Next,
) -> Response {
    if changes_state(request.method()) && !origins.allows(request.headers()) {
        tracing::warn!("refused a cross-site request");
        return (
            StatusCode::FORBIDDEN,
            Json(ErrorResponse::new(
                "cross_site_request",
                "this request did not come from a LuckyPlans page",
            )),
        )
            .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("header value"));
        }
        map
    }

    fn origins() -> OwnOrigins {
        OwnOrigins::new(&SiteUrls::new("https", "luckyplans.xyz", None))
    }

    #[test]
    fn our_own_sites_may_post() {
        for origin in [
            "https://luckyplans.xyz",
            "https://beta.luckyplans.xyz",
            "https://DOCS.luckyplans.xyz",
        ] {
            assert!(
                origins().allows(&headers(&[("origin", origin)])),
                "{origin}"
            );
        }
        assert!(origins().allows(&headers(&[(
            "referer",
            "https://beta.luckyplans.xyz/login?x=1"
        )])));
        assert!(origins().allows(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(
            origins().allows(&headers(&[])),
            "no browser, no cookies to forge"
        );
    }

    #[test]
    fn other_sites_may_not() {
        for origin in [
            "https://evil.example",
            "https://luckyplans.xyz.evil.example",
            "http://beta.luckyplans.xyz",
            "https://evil.luckyplans.xyz",
            "null",
        ] {
            assert!(
                !origins().allows(&headers(&[("origin", origin)])),
                "{origin}"
            );
        }
        assert!(!origins().allows(&headers(&[("referer", "https://evil.example/form")])));
        assert!(!origins().allows(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!origins().allows(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!origins().allows(&headers(&[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "same-origin")
        ])));
    }
}

//! Landing and docs pages are the same for every visitor (the account corner is filled
//! in by the browser), so each is rendered once and then served from memory: with its
//! Brotli and gzip forms made in advance, an `ETag`, and a Content-Security-Policy that
//! names its inline scripts by hash instead of a per-request nonce.
//!
//! The key is the path and the visitor's theme choice (the only request input that
//! changes the HTML). Only `200` HTML answers to `GET` without a query string are kept,
//! and only while the cache has room, so unknown URLs cannot grow it.
//!
//! A page already in the cache is answered by [`serve_hit`] at the very top of the
//! middleware stack, with the security headers every page gets, and nothing else runs:
//! that is what brings these pages to static-file speed. Everything else (the first
//! request for a page, search results, 404s) takes the normal path through
//! [`serve_cached`], which fills the cache.
//!
//! Filling compresses the page with Brotli 11 and gzip 9: hundreds of milliseconds of
//! CPU for a large page. That runs on the blocking pool, never on the async workers that
//! answer everyone else, and once per page: requests that miss the same page at the
//! same moment wait for the first one's work instead of all compressing it.

use std::collections::HashMap;
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use app::ui::theme::Theme;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use app::site::Site;

use crate::middleware::security_headers::{CspNonce, ScriptHashes, SecurityPolicy};

/// The most pages kept (paths × theme choices).
const MAX_ENTRIES: usize = 4096;
/// Pages larger than this are served but not kept.
const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    path: String,
    theme: Option<Theme>,
}

/// One rendered page in the forms a client may ask for.
#[derive(Debug)]
struct CachedPage {
    identity: Bytes,
    brotli: Bytes,
    gzip: Bytes,
    etag: HeaderValue,
    scripts: ScriptHashes,
}

/// A page being compressed: the first request to miss it does the work, the others
/// wait on the same cell. `None` when the work could not finish.
type InFlight = Arc<tokio::sync::OnceCell<Option<Arc<CachedPage>>>>;

/// The cache of one site.
#[derive(Debug, Default)]
pub struct PageCache {
    pages: RwLock<HashMap<Key, Arc<CachedPage>>>,
    in_flight: Mutex<HashMap<Key, InFlight>>,
    /// How many pages were compressed, for the tests of single flight.
    compressions: AtomicU64,
}

impl PageCache {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    fn get(&self, key: &Key) -> Option<Arc<CachedPage>> {
        self.pages
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    fn insert(&self, key: Key, page: Arc<CachedPage>) {
        let mut pages = self.pages.write().unwrap_or_else(PoisonError::into_inner);
        if pages.len() < MAX_ENTRIES {
            pages.insert(key, page);
        }
    }

    /// The cached form of a freshly rendered page: compressed on the blocking pool, once
    /// for all the requests that rendered it at the same time. `None` if compressing
    /// failed (the caller then answers with what it rendered).
    async fn fill(&self, key: &Key, rendered: Bytes) -> Option<Arc<CachedPage>> {
        let cell = {
            let mut in_flight = self
                .in_flight
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            // Checked under the lock: a request that missed just before the first one
            // finished finds the page here instead of compressing it again.
            if let Some(page) = self.get(key) {
                return Some(page);
            }
            Arc::clone(in_flight.entry(key.clone()).or_default())
        };
        let page = cell
            .get_or_init(|| async {
                self.compressions.fetch_add(1, Ordering::Relaxed);
                let page = tokio::task::spawn_blocking(move || CachedPage::new(rendered))
                    .await
                    .map(Arc::new);
                if let Err(err) = &page {
                    tracing::error!(error = %err, "compressing a page failed");
                }
                page.ok()
            })
            .await
            .clone();
        let mut in_flight = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(page) = &page {
            self.insert(key.clone(), Arc::clone(page));
        }
        // Only this round's cell: a later round may already have started.
        if in_flight
            .get(key)
            .is_some_and(|current| Arc::ptr_eq(current, &cell))
        {
            in_flight.remove(key);
        }
        page
    }

    /// How many times a page was compressed since start.
    #[cfg(test)]
    fn compressions(&self) -> u64 {
        self.compressions.load(Ordering::Relaxed)
    }
}

/// The caches of the sites that have one, for the fast path.
#[derive(Clone, Debug)]
pub struct CachedSites {
    pub base_domain: String,
    pub landing: Arc<PageCache>,
    pub docs: Arc<PageCache>,
    pub policy: Arc<SecurityPolicy>,
}

/// Whether a request may be answered from a cache: the key, or `None`.
fn cache_key(request: &Request) -> Option<Key> {
    (matches!(*request.method(), Method::GET | Method::HEAD)
        && request.uri().query().is_none()
        && !request.uri().path().starts_with("/api/"))
    .then(|| Key {
        path: request.uri().path().to_owned(),
        theme: Theme::from_headers(request.headers()),
    })
}

/// The outermost middleware: answers a cached landing or docs page straight away.
pub async fn serve_hit(
    State(sites): State<Arc<CachedSites>>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let cache = match Site::from_host(host, &sites.base_domain) {
        Site::Landing => &sites.landing,
        Site::Docs => &sites.docs,
        Site::Beta | Site::Admin => return next.run(request).await,
    };
    let Some(page) = cache_key(&request).and_then(|key| cache.get(&key)) else {
        return next.run(request).await;
    };
    tracing::debug!(path = request.uri().path(), "page served from the cache");
    let mut response = respond(
        &page,
        preferred_encoding(request.headers()),
        request.headers().get(header::IF_NONE_MATCH),
        request.method() == Method::HEAD,
    );
    sites.policy.apply_static(response.headers_mut());
    let csp = sites.policy.for_hashes(&page.scripts);
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, csp);
    response
}

/// The middleware in front of the landing and docs routers.
pub async fn serve_cached(
    State(cache): State<Arc<PageCache>>,
    mut request: Request,
    next: Next,
) -> Response {
    // These pages never carry a nonce: their scripts are allowed by hash.
    request.extensions_mut().remove::<CspNonce>();
    let Some(key) = cache_key(&request) else {
        return with_script_hashes(next.run(request).await).await;
    };
    let encoding = preferred_encoding(request.headers());
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let head = request.method() == Method::HEAD;
    if let Some(page) = cache.get(&key) {
        return respond(&page, encoding, if_none_match.as_ref(), head);
    }

    let response = next.run(request).await;
    if response.status() != StatusCode::OK
        || !is_html(response.headers())
        || response.headers().contains_key(header::SET_COOKIE)
    {
        return with_script_hashes(response).await;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Some(page) = cache.fill(&key, bytes.clone()).await else {
        let response = Response::from_parts(parts, Body::from(bytes));
        return with_script_hashes(response).await;
    };
    drop(parts);
    respond(&page, encoding, if_none_match.as_ref(), head)
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

/// For HTML that is not kept (404 pages, search results): hash its scripts all the same.
async fn with_script_hashes(response: Response) -> Response {
    if !is_html(response.headers()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    parts.extensions.insert(inline_script_hashes(&bytes));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(bytes))
}

impl CachedPage {
    fn new(identity: Bytes) -> Self {
        let scripts = inline_script_hashes(&identity);
        let etag = format!("\"{}\"", hex::encode(&Sha256::digest(&identity)[..12]));
        Self {
            brotli: brotli_bytes(&identity),
            gzip: gzip_bytes(&identity),
            etag: HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\"")),
            scripts,
            identity,
        }
    }
}

/// The compressed form a client takes: Brotli, else gzip, else none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

fn preferred_encoding(headers: &HeaderMap) -> Encoding {
    let accepts = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if accepts_encoding(accepts, "br") {
        Encoding::Brotli
    } else if accepts_encoding(accepts, "gzip") {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

fn respond(
    page: &CachedPage,
    encoding: Encoding,
    if_none_match: Option<&HeaderValue>,
    head: bool,
) -> Response {
    let mut response = if if_none_match.is_some_and(|tag| tag.as_bytes() == page.etag.as_bytes()) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (body, encoding) = match encoding {
            Encoding::Brotli => (page.brotli.clone(), Some("br")),
            Encoding::Gzip => (page.gzip.clone(), Some("gzip")),
            Encoding::Identity => (page.identity.clone(), None),
        };
        let length = body.len();
        let mut response = if head {
            Response::new(Body::empty())
        } else {
            Response::new(Body::from(body))
        };
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        if let Some(encoding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, page.etag.clone());
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("accept-encoding, cookie"),
    );
    response.extensions_mut().insert(page.scripts.clone());
    response
}

/// Whether an `Accept-Encoding` value allows `coding` (and does not refuse it with q=0).
fn accepts_encoding(accepts: &str, coding: &str) -> bool {
    accepts.split(',').any(|item| {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or_default().trim();
        let refused = parts.any(|param| {
            param
                .trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q == 0.0)
        });
        name.eq_ignore_ascii_case(coding) && !refused
    })
}

fn brotli_bytes(input: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(input.len() / 4);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 11, 22);
        // Writing into a Vec cannot fail.
        let _ = writer.write_all(input);
    }
    Bytes::from(out)
}

fn gzip_bytes(input: &[u8]) -> Bytes {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let _ = encoder.write_all(input);
    Bytes::from(encoder.finish().unwrap_or_default())
}

/// `'sha256-…'` sources for every inline `<script>` of the page.
pub fn inline_script_hashes(html: &[u8]) -> ScriptHashes {
    let html = String::from_utf8_lossy(html);
    let mut sources = String::new();
    let mut rest = html.as_ref();
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body_and_rest = &after[tag_end + 1..];
        let Some(close) = body_and_rest.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&body_and_rest.as_bytes()[..close]);
            sources.push_str(" 'sha256-");
            sources.push_str(&STANDARD.encode(digest));
            sources.push('\'');
        }
        rest = &body_and_rest[close..];
    }
    ScriptHashes::new(sources)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_skipped() {
        let html = b"<head><script src=\"/a.js\"></script><script type=\"module\">go()</script></head><script>x</script>";
        let hashes = inline_script_hashes(html);
        let expected_go = STANDARD.encode(Sha256::digest(b"go()"));
        let expected_x = STANDARD.encode(Sha256::digest(b"x"));
        assert_eq!(
            hashes.sources(),
            format!(" 'sha256-{expected_go}' 'sha256-{expected_x}'")
        );
    }

    #[test]
    fn encodings_follow_accept_encoding() {
        assert!(accepts_encoding("gzip, deflate, br, zstd", "br"));
        assert!(accepts_encoding("gzip;q=1.0", "gzip"));
        assert!(!accepts_encoding("br;q=0, gzip", "br"));
        assert!(!accepts_encoding("", "gzip"));
    }

    /// A page big enough that compressing it takes a while (Brotli 11 on 64 KiB of text
    /// that does not repeat).
    fn large_page() -> Bytes {
        let mut page = String::from("<html><body>");
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        while page.len() < 64 * 1024 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            page.push_str(&format!("<p>{state:x}</p>"));
        }
        page.push_str("</body></html>");
        Bytes::from(page)
    }

    fn key() -> Key {
        Key {
            path: "/guides/large".to_owned(),
            theme: None,
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_misses_for_one_page_compress_it_once() {
        let cache = PageCache::new();
        let page = large_page();
        let barrier = Arc::new(tokio::sync::Barrier::new(16));
        let misses: Vec<_> = (0..16)
            .map(|_| {
                let (cache, page, barrier) = (cache.clone(), page.clone(), barrier.clone());
                tokio::spawn(async move {
                    barrier.wait().await;
                    cache.fill(&key(), page).await.expect("compressed")
                })
            })
            .collect();
        let mut pages = Vec::new();
        for miss in misses {
            pages.push(miss.await.expect("task"));
        }
        assert_eq!(cache.compressions(), 1, "one compression for 16 misses");
        assert!(
            pages.iter().all(|p| Arc::ptr_eq(p, &pages[0])),
            "one shared page"
        );
        assert!(cache.get(&key()).is_some(), "and it is cached");
        // A later miss (the cache answered it above the renderer) reuses it too.
        cache.fill(&key(), page).await.expect("cached");
        assert_eq!(cache.compressions(), 1);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn compressing_leaves_the_async_thread_free() {
        let cache = PageCache::new();
        let ticks = Arc::new(AtomicU64::new(0));
        let ticker = {
            let ticks = ticks.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                    ticks.fetch_add(1, Ordering::Relaxed);
                }
            })
        };
        cache.fill(&key(), large_page()).await.expect("compressed");
        ticker.abort();
        // On this single async thread, compressing inline would starve the ticker.
        assert!(
            ticks.load(Ordering::Relaxed) >= 5,
            "the only async thread was blocked: {} ticks",
            ticks.load(Ordering::Relaxed)
        );
    }

    #[test]
    fn compressed_forms_decompress_to_the_page() {
        let page = CachedPage::new(Bytes::from_static(b"<html>hello hello hello</html>"));
        let mut gunzipped = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&page.gzip[..]),
            &mut gunzipped,
        )
        .expect("gzip");
        assert_eq!(gunzipped, "<html>hello hello hello</html>");
        let mut unbrotlied = Vec::new();
        brotli::BrotliDecompress(&mut &page.brotli[..], &mut unbrotlied).expect("brotli");
        assert_eq!(unbrotlied, b"<html>hello hello hello</html>");
    }
}

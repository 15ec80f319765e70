//! Built assets (`/pkg/…`) and public files of one site, with cache headers that match
//! how they are named.
//!
//! The bundle is served under `/pkg/<version>/…` where the version is a hash of the
//! bundle's files computed at start: those URLs never change content, so they are cached
//! for a year. Everything else must be revalidated or expires within the hour.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Method, Request, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeDir;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";
const PUBLIC_FILE: &str = "public, max-age=3600";

/// One site's built files.
#[derive(Clone, Debug)]
pub struct StaticAssets {
    files: ServeDir,
    version: Option<String>,
}

impl StaticAssets {
    /// `versioned` turns on `/pkg/<version>/` URLs (off while `cargo leptos watch` rebuilds
    /// files under a running server).
    pub fn new(root: &Path, versioned: bool) -> Self {
        let files = ServeDir::new(root)
            .append_index_html_on_directories(false)
            .precompressed_br()
            .precompressed_gzip();
        Self {
            files,
            version: versioned
                .then(|| bundle_version(&root.join("pkg")))
                .flatten(),
        }
    }

    /// The URL folder of the bundle, for `LeptosOptions::site_pkg_dir`.
    pub fn pkg_dir(&self) -> String {
        match &self.version {
            Some(version) => format!("pkg/{version}"),
            None => "pkg".to_owned(),
        }
    }

    /// Serves the file the request names, or `None` when there is none (the caller then
    /// answers with the site's 404 page). Paths that try to leave the site folder
    /// (`..`, encoded or not) are never served.
    pub async fn serve(&self, request: Request<Body>) -> Option<Response> {
        if !matches!(*request.method(), Method::GET | Method::HEAD) {
            return None;
        }
        let (request, cache_control) = self.resolve(request)?;
        let response = match self.files.clone().oneshot(request).await {
            Ok(response) => response,
            Err(infallible) => match infallible {},
        };
        match response.status() {
            StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => None,
            _ => {
                let mut response = response.into_response();
                if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
                    response.headers_mut().insert(
                        header::CACHE_CONTROL,
                        HeaderValue::from_static(cache_control),
                    );
                }
                Some(response)
            }
        }
    }

    /// Maps a versioned bundle URL onto the file and picks the cache policy.
    fn resolve(&self, mut request: Request<Body>) -> Option<(Request<Body>, &'static str)> {
        let path = request.uri().path();
        let Some(rest) = path.strip_prefix("/pkg/") else {
            return Some((request, PUBLIC_FILE));
        };
        let Some((first, file)) = rest.split_once('/') else {
            return Some((request, REVALIDATE));
        };
        let current = self.version.as_deref() == Some(first);
        let looks_versioned = first.len() == 16 && first.bytes().all(|b| b.is_ascii_hexdigit());
        if !current && !looks_versioned {
            return Some((request, REVALIDATE));
        }
        // An old version (during a rolling deploy) gets today's file, but not cached long.
        let new_path = format!("/pkg/{file}");
        let uri = match request.uri().query() {
            Some(query) => format!("{new_path}?{query}"),
            None => new_path,
        };
        *request.uri_mut() = uri.parse::<Uri>().ok()?;
        Some((request, if current { IMMUTABLE } else { REVALIDATE }))
    }
}

/// Serves the file a request names when there is one, else hands the request on to the
/// site's pages. Only paths that can name a file (`/pkg/…` or a last segment with a dot)
/// touch the disk, so pages pay nothing for it.
pub async fn files_first(
    State(assets): State<StaticAssets>,
    request: Request<Body>,
    next: Next,
) -> Response {
    if !may_name_a_file(request.uri().path()) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match assets
        .serve(Request::from_parts(parts.clone(), Body::empty()))
        .await
    {
        Some(response) => response,
        None => next.run(Request::from_parts(parts, body)).await,
    }
}

fn may_name_a_file(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
}

/// A short hash over the names and contents of the bundle's files, or `None` when the
/// bundle has not been built.
fn bundle_version(pkg: &Path) -> Option<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(pkg)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .filter(|path| !matches!(path.extension().and_then(|e| e.to_str()), Some("br" | "gz")))
        .collect();
    if files.is_empty() {
        return None;
    }
    files.sort();
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(file.file_name()?.as_encoded_bytes());
        hasher.update(std::fs::read(&file).ok()?);
    }
    Some(hex::encode(&hasher.finalize()[..8]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_that_can_name_a_file_touch_the_disk() {
        assert!(may_name_a_file("/favicon.svg"));
        assert!(may_name_a_file("/pkg/luckyplans.js"));
        assert!(may_name_a_file("/pkg/0123456789abcdef/luckyplans.wasm"));
        assert!(!may_name_a_file("/"));
        assert!(!may_name_a_file("/configuration"));
        assert!(!may_name_a_file("/v1.2/notes"));
    }

    #[test]
    fn the_version_changes_with_the_bundle_and_ignores_compressed_copies() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pkg = dir.path().join("pkg");
        std::fs::create_dir(&pkg).expect("pkg");
        assert_eq!(bundle_version(&pkg), None);
        std::fs::write(pkg.join("luckyplans.js"), "one").expect("write");
        let first = bundle_version(&pkg).expect("version");
        assert_eq!(first.len(), 16);
        std::fs::write(pkg.join("luckyplans.js.br"), "compressed").expect("write");
        assert_eq!(bundle_version(&pkg).as_deref(), Some(first.as_str()));
        std::fs::write(pkg.join("luckyplans.js"), "two").expect("write");
        assert_ne!(bundle_version(&pkg).as_deref(), Some(first.as_str()));
    }
}

//! Security headers on every response, and a Content-Security-Policy with a fresh nonce
//! on every HTML page.

use std::sync::{Arc, OnceLock};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;

/// The nonce minted for one request; the page's inline hydration script carries it.
#[derive(Clone, Debug)]
pub struct CspNonce(pub Arc<str>);

impl CspNonce {
    fn generate() -> Self {
        let mut bytes = [0_u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes).into())
    }
}

/// The inline scripts of a page, as ` 'sha256-…'` sources: set on responses whose HTML is
/// served to everyone alike (the page cache), where a per-request nonce cannot be. The
/// policy built from them is kept with them, so a cached page pays for it once.
#[derive(Clone, Debug)]
pub struct ScriptHashes {
    sources: Arc<str>,
    policy: Arc<OnceLock<HeaderValue>>,
}

impl ScriptHashes {
    pub fn new(sources: impl Into<Arc<str>>) -> Self {
        Self {
            sources: sources.into(),
            policy: Arc::default(),
        }
    }

    pub fn sources(&self) -> &str {
        &self.sources
    }
}

/// What the headers depend on, fixed at start.
#[derive(Clone, Debug)]
pub struct SecurityPolicy {
    hsts: bool,
    /// Extra `connect-src` sources (the live-reload socket in development).
    connect_extra: String,
    /// Extra `form-action` sources: linking single sign-on is a same-origin POST that the
    /// server answers with a redirect to the provider, and browsers hold redirects after a
    /// form submission to `form-action` too.
    form_extra: String,
}

impl SecurityPolicy {
    pub fn new(hsts: bool, live_reload_port: Option<u32>) -> Self {
        let connect_extra = live_reload_port
            .map(|port| format!(" ws://localhost:{port} ws://*.localhost:{port}"))
            .unwrap_or_default();
        Self {
            hsts,
            connect_extra,
            form_extra: String::new(),
        }
    }

    /// Lets forms lead to the single sign-on provider at `issuer_url` (its origin only).
    pub fn with_sign_on_provider(mut self, issuer_url: &str) -> Self {
        if let Ok(url) = url::Url::parse(issuer_url) {
            let origin = url.origin().ascii_serialization();
            if origin != "null" {
                self.form_extra = format!(" {origin}");
            }
        }
        self
    }

    /// `scripts` lists the allowed inline scripts: ` 'nonce-…'` or ` 'sha256-…'…`.
    fn content_security_policy(&self, scripts: &str) -> String {
        format!(
            "default-src 'self'; script-src 'self'{scripts} 'wasm-unsafe-eval'; \
             style-src 'self'; img-src 'self' data:; font-src 'self'; \
             connect-src 'self'{}; object-src 'none'; base-uri 'self'; form-action 'self'{}; \
             frame-ancestors 'none'{}",
            self.connect_extra,
            self.form_extra,
            if self.hsts {
                "; upgrade-insecure-requests"
            } else {
                ""
            },
        )
    }
}

impl SecurityPolicy {
    /// The headers every response carries, whatever its type.
    pub fn apply_static(&self, headers: &mut HeaderMap) {
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(
            PERMISSIONS_POLICY.clone(),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
        );
        headers.insert(
            CROSS_ORIGIN_OPENER_POLICY.clone(),
            HeaderValue::from_static("same-origin"),
        );
        if self.hsts {
            headers.insert(
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=63072000; includeSubDomains"),
            );
        }
    }

    /// The Content-Security-Policy of a page whose inline scripts are `hashes`, built
    /// once per page.
    pub fn for_hashes(&self, hashes: &ScriptHashes) -> HeaderValue {
        hashes
            .policy
            .get_or_init(|| {
                HeaderValue::from_str(&self.content_security_policy(&hashes.sources))
                    .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
            })
            .clone()
    }
}

static PERMISSIONS_POLICY: HeaderName = HeaderName::from_static("permissions-policy");
static CROSS_ORIGIN_OPENER_POLICY: HeaderName =
    HeaderName::from_static("cross-origin-opener-policy");

/// The middleware: mints the nonce before the handler runs, sets the headers after.
pub async fn security_headers(
    State(policy): State<Arc<SecurityPolicy>>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = CspNonce::generate();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    policy.apply_static(response.headers_mut());
    let headers = response.headers();
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"));
    if is_html {
        let value = match response.extensions().get::<ScriptHashes>() {
            Some(hashes) => Some(policy.for_hashes(hashes)),
            None => HeaderValue::from_str(
                &policy.content_security_policy(&format!(" 'nonce-{}'", nonce.0)),
            )
            .ok(),
        };
        if let Some(value) = value {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_fresh_and_header_safe() {
        let a = CspNonce::generate();
        let b = CspNonce::generate();
        assert_ne!(a.0, b.0);
        assert!(a.0.len() >= 22);
        assert!(
            a.0.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
    }

    #[test]
    fn the_policy_forbids_framing_and_foreign_scripts() {
        let csp = SecurityPolicy::new(false, None).content_security_policy(" 'nonce-abc'");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(csp.contains("object-src 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("ws://"));
    }
}

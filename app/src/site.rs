//! The four sites served by one server, and where each of them lives.

use serde::{Deserialize, Serialize};

/// A site served by the LuckyPlans server, chosen by the request's host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Site {
    /// The public landing site on the apex domain.
    Landing,
    /// Documentation and blog on `docs.`.
    Docs,
    /// The product app on `beta.`.
    Beta,
    /// The product app's admin section on `admin.`.
    Admin,
}

impl Site {
    pub const ALL: [Self; 4] = [Self::Landing, Self::Docs, Self::Beta, Self::Admin];

    /// The subdomain label in front of the base domain, if any.
    pub const fn subdomain(self) -> Option<&'static str> {
        match self {
            Self::Landing => None,
            Self::Docs => Some("docs"),
            Self::Beta => Some("beta"),
            Self::Admin => Some("admin"),
        }
    }

    /// A stable lowercase key, used in HTML attributes and logs.
    pub const fn key(self) -> &'static str {
        match self {
            Self::Landing => "landing",
            Self::Docs => "docs",
            Self::Beta => "beta",
            Self::Admin => "admin",
        }
    }

    /// Picks the site for a `Host` header value.
    ///
    /// The port is ignored, matching is case-insensitive and tolerates a trailing dot;
    /// any host that is not one of ours gets the landing site.
    pub fn from_host(host: &str, base_domain: &str) -> Self {
        let host = strip_port(host).trim_end_matches('.').to_ascii_lowercase();
        let base = base_domain.trim_end_matches('.').to_ascii_lowercase();
        let Some(label) = host
            .strip_suffix(base.as_str())
            .and_then(|rest| rest.strip_suffix('.'))
        else {
            return Self::Landing;
        };
        Self::ALL
            .into_iter()
            .find(|site| site.subdomain() == Some(label))
            .unwrap_or(Self::Landing)
    }
}

/// Removes a `:port` suffix from a host, keeping bracketed IPv6 literals intact.
fn strip_port(host: &str) -> &str {
    if let Some(rest) = host.strip_prefix('[') {
        return rest.split_once(']').map_or(host, |(ip, _)| ip);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) => name,
        _ => host,
    }
}

/// The public origin of every site, derived from one scheme, base domain and port.
///
/// The server builds it from configuration; the browser reads it back from the
/// `data-origin` attribute the server writes on `<html>`, so both render the same links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteUrls {
    scheme: String,
    /// `base_domain[:port]`.
    authority: String,
}

impl Default for SiteUrls {
    fn default() -> Self {
        Self::new("http", "localhost", Some(3000))
    }
}

impl SiteUrls {
    pub fn new(scheme: &str, base_domain: &str, port: Option<u16>) -> Self {
        let authority = match port {
            Some(port) => format!("{base_domain}:{port}"),
            None => base_domain.to_owned(),
        };
        Self {
            scheme: scheme.to_owned(),
            authority,
        }
    }

    /// The origin of one site, e.g. `https://docs.luckyplans.xyz`.
    pub fn origin(&self, site: Site) -> String {
        match site.subdomain() {
            Some(label) => format!("{}://{label}.{}", self.scheme, self.authority),
            None => format!("{}://{}", self.scheme, self.authority),
        }
    }

    /// An absolute URL for `path` on `site`.
    pub fn url(&self, site: Site, path: &str) -> String {
        format!("{}{path}", self.origin(site))
    }

    /// The value written to `<html data-origin>`: the landing origin.
    pub fn to_attribute(&self) -> String {
        self.origin(Site::Landing)
    }

    /// Parses the `data-origin` attribute back.
    pub fn from_attribute(value: &str) -> Option<Self> {
        let (scheme, authority) = value.split_once("://")?;
        if scheme.is_empty() || authority.is_empty() || authority.contains('/') {
            return None;
        }
        Some(Self {
            scheme: scheme.to_owned(),
            authority: authority.to_owned(),
        })
    }

    /// Whether cookies may name the base domain (browsers refuse `Domain=localhost` and IPs).
    pub fn cookie_domain(&self) -> Option<&str> {
        let domain = strip_port(&self.authority);
        let shareable = domain.contains('.')
            && !domain.ends_with(".localhost")
            && domain.parse::<std::net::IpAddr>().is_err();
        shareable.then_some(domain)
    }
}

/// The site URLs for the current render.
///
/// On the server they come from context (provided per request); in the browser they are
/// read once from the document and cached in context.
pub fn use_site_urls() -> SiteUrls {
    if let Some(urls) = leptos::prelude::use_context::<SiteUrls>() {
        return urls;
    }
    #[cfg(feature = "hydrate")]
    if let Some(urls) = read_document_origin() {
        leptos::prelude::provide_context(urls.clone());
        return urls;
    }
    SiteUrls::default()
}

#[cfg(feature = "hydrate")]
fn read_document_origin() -> Option<SiteUrls> {
    let root = web_sys::window()?.document()?.document_element()?;
    SiteUrls::from_attribute(&root.get_attribute("data-origin")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_route_to_their_site_whatever_the_port_or_case() {
        let base = "luckyplans.xyz";
        assert_eq!(Site::from_host("luckyplans.xyz", base), Site::Landing);
        assert_eq!(
            Site::from_host("docs.luckyplans.xyz:8443", base),
            Site::Docs
        );
        assert_eq!(Site::from_host("BETA.LuckyPlans.xyz", base), Site::Beta);
        assert_eq!(Site::from_host("admin.luckyplans.xyz.", base), Site::Admin);
    }

    #[test]
    fn unknown_hosts_get_the_landing_site() {
        let base = "localhost";
        assert_eq!(Site::from_host("evil.example", base), Site::Landing);
        assert_eq!(Site::from_host("api.localhost:3000", base), Site::Landing);
        assert_eq!(
            Site::from_host("docs.localhost.evil.example", base),
            Site::Landing
        );
        assert_eq!(Site::from_host("xdocs.localhost", base), Site::Landing);
        assert_eq!(Site::from_host("a.docs.localhost", base), Site::Landing);
        assert_eq!(Site::from_host("[::1]:3000", base), Site::Landing);
        assert_eq!(Site::from_host("", base), Site::Landing);
    }

    #[test]
    fn site_urls_round_trip_through_the_document_attribute() {
        let urls = SiteUrls::new("https", "luckyplans.xyz", None);
        assert_eq!(urls.origin(Site::Docs), "https://docs.luckyplans.xyz");
        assert_eq!(
            urls.url(Site::Beta, "/login"),
            "https://beta.luckyplans.xyz/login"
        );
        assert_eq!(SiteUrls::from_attribute(&urls.to_attribute()), Some(urls));
        assert_eq!(SiteUrls::from_attribute("javascript:alert(1)"), None);
    }

    #[test]
    fn cookies_are_shared_across_sites_only_on_a_real_domain() {
        assert_eq!(
            SiteUrls::new("https", "luckyplans.xyz", None).cookie_domain(),
            Some("luckyplans.xyz")
        );
        assert_eq!(
            SiteUrls::new("http", "localhost", Some(3000)).cookie_domain(),
            None
        );
        assert_eq!(
            SiteUrls::new("http", "127.0.0.1", Some(3000)).cookie_domain(),
            None
        );
    }
}

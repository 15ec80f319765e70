//! Who is calling, as far as the server can tell: the client's address and user agent,
//! recorded in the audit log and the session list.

/// The client's address as the server decided it: the peer, or the address a trusted
/// reverse proxy forwarded. Set on every request by the server's first middleware.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub std::net::IpAddr);

/// Where a request came from, for the audit log and the session list.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl ClientInfo {
    /// Reads the peer address and user agent of a request.
    pub fn from_parts(parts: &http::request::Parts) -> Self {
        Self::from_request(&parts.extensions, &parts.headers)
    }

    /// [`ClientInfo::from_parts`] from a request's extensions and headers.
    pub fn from_request(extensions: &http::Extensions, headers: &http::HeaderMap) -> Self {
        Self {
            ip: extensions.get::<ClientIp>().map(|ip| ip.0.to_string()),
            user_agent: headers
                .get(http::header::USER_AGENT)
                .and_then(|value| value.to_str().ok())
                .map(|value| value.chars().take(512).collect()),
        }
    }
}

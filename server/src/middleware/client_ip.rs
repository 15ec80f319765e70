//! Which address a request comes from. Directly connected clients are who they are; behind
//! a reverse proxy every request comes from the proxy, so the address it forwards in
//! `X-Forwarded-For` is used — but only when the peer is a proxy we were told to trust,
//! or anyone could pick their own address (and their own rate-limit bucket).

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use domain::client::ClientIp;
use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed (`LP_TRUSTED_PROXIES`).
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    /// Whether a peer at `ip` is one of our proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client: walking `X-Forwarded-For` from the right (the entry our nearest proxy
    /// added), the first address that is not one of our proxies.
    pub fn client_ip(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for entry in forwarded_for
            .iter()
            .flat_map(|value| value.split(','))
            .rev()
        {
            let Ok(ip) = entry.trim().parse::<IpAddr>() else {
                // Garbage from further left than our proxies can vouch for: stop here.
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// Records the client's address as a [`ClientIp`] request extension.
pub async fn client_ip(
    State(trusted): State<Arc<TrustedProxies>>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        let forwarded: Vec<&str> = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect();
        let ip = trusted.client_ip(peer, &forwarded);
        request.extensions_mut().insert(ClientIp(ip));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(nets: &[&str]) -> TrustedProxies {
        TrustedProxies(nets.iter().map(|net| net.parse().expect("net")).collect())
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("ip")
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_ip(ip("198.51.100.9"), &["203.0.113.7"]),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_address_is_the_client() {
        let ours = proxies(&["10.0.0.0/8", "127.0.0.1/32"]);
        assert_eq!(
            ours.client_ip(ip("127.0.0.1"), &["203.0.113.7"]),
            ip("203.0.113.7")
        );
        // A client-supplied entry further left is not believed.
        assert_eq!(
            ours.client_ip(ip("10.0.0.2"), &["1.2.3.4, 203.0.113.7, 10.0.0.5"]),
            ip("203.0.113.7")
        );
        assert_eq!(
            ours.client_ip(ip("10.0.0.2"), &["1.2.3.4", "203.0.113.7"]),
            ip("203.0.113.7")
        );
        assert_eq!(ours.client_ip(ip("10.0.0.2"), &[]), ip("10.0.0.2"));
        assert_eq!(
            ours.client_ip(ip("10.0.0.2"), &["nonsense"]),
            ip("10.0.0.2")
        );
    }
}

//! Which server URLs the agent will send a secret to.
//!
//! Every call carries a bearer secret (the enrollment token, then the worker credential),
//! and over plain `http://` anyone on the path can read it and act as this worker. So
//! `http://` is refused unless the server is this machine (127.0.0.0/8, `::1`,
//! `localhost`), where the traffic never leaves it, or the person running the agent says
//! the network is trusted with `--insecure` (`EDGE_AGENT_INSECURE=1`).

use std::net::IpAddr;

use reqwest::Url;

/// The flag and variable that allow plain HTTP to another host, for messages.
pub const INSECURE_FLAG: &str = "--insecure";
pub const INSECURE_ENV: &str = "EDGE_AGENT_INSECURE";

/// Whether a secret may go to `server_url` (an already normalized URL): `Ok` for https,
/// for http to this machine, and for http anywhere when `insecure`; otherwise the reason,
/// naming the way out.
pub fn check(server_url: &str, insecure: bool) -> Result<(), String> {
    let url = Url::parse(server_url).map_err(|err| format!("`{server_url}`: {err}"))?;
    if url.scheme() != "http" || insecure {
        return Ok(());
    }
    let host = url.host_str().unwrap_or_default();
    if is_loopback(host) {
        return Ok(());
    }
    Err(format!(
        "refusing to send this agent's secrets over plain http:// to {host}: anyone on the \
         network could read them and act as this worker; use https://, or pass \
         {INSECURE_FLAG} (or set {INSECURE_ENV}=1) if every network between here and the \
         server is trusted"
    ))
}

/// Whether plain HTTP to `server_url` is being allowed only because of `--insecure`: the
/// agent says so in its log, every time it starts.
pub fn is_plain_http_elsewhere(server_url: &str) -> bool {
    Url::parse(server_url)
        .is_ok_and(|url| url.scheme() == "http" && !is_loopback(url.host_str().unwrap_or("")))
}

/// `localhost`, an address in 127.0.0.0/8, `::1`, or an IPv4-mapped loopback address.
/// Only the exact name `localhost`: `localhost.example` is somebody else's machine.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    // The URL writes IPv6 hosts in brackets.
    let bare = host
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(host);
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|ip| ip.is_loopback())
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::normalize_server_url;

    fn allowed(given: &str, insecure: bool) -> Result<(), String> {
        check(&normalize_server_url(given).expect("a valid URL"), insecure)
    }

    #[test]
    fn https_is_allowed_to_any_host() {
        for url in [
            "https://plans.example",
            "https://10.0.0.5:8443/base",
            "https://[2001:db8::1]",
            "https://localhost",
        ] {
            assert_eq!(allowed(url, false), Ok(()), "{url}");
        }
    }

    #[test]
    fn plain_http_is_allowed_to_this_machine_only() {
        for url in [
            "http://127.0.0.1:3000",
            "http://127.8.9.10",
            // The URL parser spells these out as 127.0.0.1.
            "http://127.1",
            "http://2130706433",
            "http://localhost:3000/base",
            "http://LOCALHOST",
            "http://[::1]:3000",
            "http://[::ffff:127.0.0.1]",
        ] {
            assert_eq!(allowed(url, false), Ok(()), "{url}");
        }
        for url in [
            "http://plans.example",
            "http://10.0.0.5:3000",
            "http://192.168.1.20",
            "http://0.0.0.0:3000",
            "http://128.0.0.1",
            "http://[2001:db8::1]",
            "http://[::]",
            "http://[::ffff:10.0.0.1]",
            "http://localhost.plans.example",
            "http://mylocalhost",
            "http://127.0.0.1.plans.example",
        ] {
            let refused = allowed(url, false).expect_err(url);
            assert!(refused.contains("https://"), "{refused}");
            assert!(refused.contains("--insecure"), "{refused}");
            assert!(refused.contains("EDGE_AGENT_INSECURE=1"), "{refused}");
        }
    }

    #[test]
    fn insecure_allows_plain_http_anywhere_and_is_flagged() {
        assert_eq!(allowed("http://plans.example", true), Ok(()));
        assert_eq!(allowed("http://10.0.0.5:3000", true), Ok(()));
        assert!(is_plain_http_elsewhere("http://plans.example"));
        assert!(!is_plain_http_elsewhere("http://127.0.0.1:3000"));
        assert!(!is_plain_http_elsewhere("https://plans.example"));
    }
}

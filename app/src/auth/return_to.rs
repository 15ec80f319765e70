//! Where to go after signing in: only ever a path on the same site.

/// The path to return to after sign-in, if `raw` is a safe same-site relative path;
/// otherwise the home page. Refuses `//host`, `/\host`, schemes and control characters,
/// which browsers would turn into a trip to another site.
pub fn safe_return_to(raw: Option<&str>) -> String {
    raw.filter(|path| is_same_site_path(path))
        .map_or_else(|| "/".to_owned(), str::to_owned)
}

fn is_same_site_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace())
        && path.len() <= 2048
}

/// The sign-in URL that brings the visitor back to `path` afterwards.
pub fn login_url(path: &str) -> String {
    format!("/login?returnTo={}", encode(path))
}

/// Percent-encodes a path for use as a query value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_site_paths_are_kept() {
        assert_eq!(safe_return_to(Some("/account")), "/account");
        assert_eq!(
            safe_return_to(Some("/fleet?tab=agents#x")),
            "/fleet?tab=agents#x"
        );
    }

    #[test]
    fn anything_that_could_leave_the_site_goes_home() {
        for evil in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/\tevil",
            "/ /evil",
            "",
        ] {
            assert_eq!(safe_return_to(Some(evil)), "/", "{evil:?}");
        }
        assert_eq!(safe_return_to(None), "/");
    }

    #[test]
    fn login_urls_carry_the_path_encoded() {
        assert_eq!(login_url("/account"), "/login?returnTo=/account");
        assert_eq!(login_url("/a?b=c&d"), "/login?returnTo=/a%3Fb%3Dc%26d");
    }
}

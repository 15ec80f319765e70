//! Checks on what goes into the config: the server URL, the enrollment token that earns
//! the credential, and the display name.
//!
//! They return plain messages so `onboard` can check its flags before registering, and
//! loading can name the field of the file that is wrong.

use edge_protocol::api::{CREDENTIAL_PREFIX, ENROLLMENT_TOKEN_PREFIX, SecretToken};
use reqwest::Url;

/// The longest display name the server accepts, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 80;

/// Checks a server URL and returns it in the form the client joins paths onto: http or
/// https, a host, no credentials, query or fragment, no trailing slash. A path prefix (a
/// server behind a reverse proxy at `/luckyplans`) is kept.
pub fn normalize_server_url(text: &str) -> Result<String, String> {
    let text = text.trim();
    let url = Url::parse(text).map_err(|err| format!("`{text}` is not a URL ({err})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "`{text}` must start with https:// (or http:// for a local server)"
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(format!("`{text}` has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the URL must not carry a user name or password".to_owned());
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("`{text}` must not have a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Checks an enrollment token's shape before it is sent anywhere. The message never
/// repeats the token: it is a secret, and this may end up in a log.
pub fn check_enrollment_token(token: &str) -> Result<(), String> {
    if SecretToken::parse(ENROLLMENT_TOKEN_PREFIX, token).is_some() {
        return Ok(());
    }
    if token.starts_with(CREDENTIAL_PREFIX) {
        return Err(format!(
            "that is a worker credential ({CREDENTIAL_PREFIX}…), not an enrollment token; \
             create an enrollment token ({ENROLLMENT_TOKEN_PREFIX}…) on the server with \
             `luckyplans token create --owner <email>`"
        ));
    }
    Err(format!(
        "an enrollment token reads {ENROLLMENT_TOKEN_PREFIX}<8 hex>_<48 hex>; copy it again \
         from what `luckyplans token create` printed"
    ))
}

/// Checks a display name: 1–80 characters, no control characters.
pub fn check_display_name(name: &str) -> Result<(), String> {
    let chars = name.chars().count();
    if chars == 0 {
        return Err("the display name is empty".to_owned());
    }
    if chars > MAX_DISPLAY_NAME_CHARS {
        return Err(format!(
            "the display name has {chars} characters; at most {MAX_DISPLAY_NAME_CHARS} fit"
        ));
    }
    if name.chars().any(char::is_control) {
        return Err("the display name must not contain control characters".to_owned());
    }
    Ok(())
}

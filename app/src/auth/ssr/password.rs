//! Passwords: strength rules, argon2id hashing with OWASP parameters, constant-time checks.

use std::sync::LazyLock;

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};

use super::super::model::FieldError;

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 12;
/// Longest password accepted: bounds the work one request can cause.
pub const MAX_LENGTH: usize = 128;

/// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks length and strength. `context` holds what the user typed elsewhere (email,
/// name), which makes a password weak when it is built from them.
pub fn check_strength(password: &str, context: &[&str]) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(FieldError::new(
            "password",
            format!("Use at least {MIN_LENGTH} characters."),
        ));
    }
    if length > MAX_LENGTH {
        return Err(FieldError::new(
            "password",
            format!("Use at most {MAX_LENGTH} characters."),
        ));
    }
    let estimate = zxcvbn::zxcvbn(password, context);
    if (estimate.score() as u8) < 3 {
        let hint = estimate
            .feedback()
            .and_then(|feedback| feedback.warning())
            .map(|warning| format!(" {warning}"))
            .unwrap_or_default();
        return Err(FieldError::new(
            "password",
            format!("This password is too easy to guess.{hint} Try a few unrelated words."),
        ));
    }
    Ok(())
}

/// Hashes a password (CPU-heavy: call it off the async threads).
pub fn hash(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Verifies a password against a stored hash; a malformed hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|parsed| {
        hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash nobody's password matches, verified when the email is unknown so that an
/// unknown email and a wrong password take the same time.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash("a password that belongs to no account at all").unwrap_or_default());

/// Verifies `password` against `stored`, or against the dummy hash when there is none.
pub fn verify_or_dummy(password: &str, stored: Option<&str>) -> bool {
    match stored {
        Some(stored) => verify(password, stored),
        None => {
            let _ = verify(password, &DUMMY_HASH);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_common_passwords_are_refused() {
        assert!(check_strength("short", &[]).is_err());
        assert!(check_strength("password1234", &[]).is_err());
        assert!(check_strength("qwertyuiop123", &[]).is_err());
        assert!(check_strength("ada.lovelace@example.org", &["ada.lovelace@example.org"]).is_err());
        assert!(check_strength(&"x".repeat(129), &[]).is_err());
    }

    #[test]
    fn a_long_unrelated_passphrase_is_accepted() {
        assert!(check_strength("copper kettle orbits lazily", &[]).is_ok());
    }

    #[test]
    fn hashes_verify_only_their_password() {
        let stored = hash("copper kettle orbits lazily").expect("hash");
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("copper kettle orbits lazily", &stored));
        assert!(!verify("copper kettle orbits lazily!", &stored));
        assert!(!verify("anything", "not a hash"));
        assert!(!verify_or_dummy("anything", None));
    }
}

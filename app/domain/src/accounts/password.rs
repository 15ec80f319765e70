//! Passwords: strength rules, argon2id hashing with OWASP parameters, constant-time checks.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use tokio::sync::Semaphore;

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};

use app_model::auth::FieldError;

use super::AccountError;

/// Bounds how many password hashes run at once. Each takes 19 MiB and a core for tens of
/// milliseconds on a blocking thread; unbounded, a burst of sign-ins would queue hundreds
/// of them and starve everything else. A request that cannot get a turn within
/// [`HashingGate::WAIT`] is answered 503 with `Retry-After` instead of waiting longer.
#[derive(Clone, Debug)]
pub struct HashingGate {
    permits: Arc<Semaphore>,
}

impl Default for HashingGate {
    fn default() -> Self {
        Self::sized_to_cores()
    }
}

impl HashingGate {
    /// How long a request waits for a turn before it is told the server is busy.
    pub const WAIT: Duration = Duration::from_secs(2);
    /// What a refused request is told to wait.
    pub const RETRY_AFTER_SECS: u64 = 1;

    /// One hash at a time per core.
    pub fn sized_to_cores() -> Self {
        Self::new(std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
    }

    pub fn new(permits: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(permits.max(1))),
        }
    }

    /// The semaphore itself (tests hold its permits to saturate it).
    pub const fn semaphore(&self) -> &Arc<Semaphore> {
        &self.permits
    }

    /// Runs CPU-heavy password `work` on a blocking thread once a turn is free.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AccountError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = tokio::time::timeout(Self::WAIT, Arc::clone(&self.permits).acquire_owned())
            .await
            .ok()
            .and_then(Result::ok)
            .ok_or_else(|| {
                tracing::warn!("password hashing saturated; answering 503");
                AccountError::Busy {
                    retry_after_secs: Self::RETRY_AFTER_SECS,
                }
            })?;
        tokio::task::spawn_blocking(move || {
            let _turn = permit;
            work()
        })
        .await
        .map_err(|err| AccountError::internal("a password check", &err))
    }
}

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

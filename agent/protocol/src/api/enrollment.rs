//! Enrollment (`POST /edge/v1/register`) and credentials.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Enrollment tokens read `etr_live_<8 hex id>_<48 hex secret>`.
pub const ENROLLMENT_TOKEN_PREFIX: &str = "etr_live_";
/// Worker credentials read `wk_live_<8 hex id>_<48 hex secret>`.
pub const CREDENTIAL_PREFIX: &str = "wk_live_";

/// A token split into its public id and its secret; the server looks the id up and compares
/// the secret's HMAC in constant time.
#[derive(PartialEq, Eq)]
pub struct SecretToken<'a> {
    pub id: &'a str,
    pub secret: &'a str,
}

/// What `Debug` shows in place of a secret, so logs and panics never carry one.
const REDACTED: &str = "<redacted>";

impl std::fmt::Debug for SecretToken<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretToken")
            .field("id", &self.id)
            .field("secret", &REDACTED)
            .finish()
    }
}

impl<'a> SecretToken<'a> {
    /// Splits `<prefix><8 hex>_<48 hex>`; anything else is `None`.
    pub fn parse(prefix: &str, text: &'a str) -> Option<Self> {
        let rest = text.strip_prefix(prefix)?;
        let (id, secret) = rest.split_once('_')?;
        let hex = |part: &str, len: usize| {
            part.len() == len
                && part
                    .bytes()
                    .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
        };
        (hex(id, 8) && hex(secret, 48)).then_some(Self { id, secret })
    }
}

/// How often the agent does what; chosen by the server, never hard-coded in the agent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Intervals {
    /// Seconds between connectivity heartbeats.
    pub heartbeat_seconds: u32,
    /// Seconds between asking for a task while idle.
    pub poll_seconds: u32,
    /// Seconds between task heartbeats while running a task.
    pub task_heartbeat_seconds: u32,
    /// Seconds a lease lasts unless a task heartbeat extends it.
    pub lease_seconds: u32,
}

/// `POST /edge/v1/register`, authenticated with an enrollment token.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    /// What the owner calls this machine (1–80 characters).
    pub display_name: String,
    /// Operating system, as Rust names it (`linux`, `macos`, `windows`).
    pub platform: String,
    /// CPU architecture, as Rust names it (`x86_64`, `aarch64`).
    pub arch: String,
    /// The agent's version.
    pub version: String,
    /// CPUs the agent will use.
    pub cpus: u32,
}

/// The reply to a registration: who the agent is now, and how to call in.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterResponse {
    pub worker_id: Uuid,
    /// `wk_live_…`; shown once, stored only as a hash by the server.
    pub credential: String,
    pub intervals: Intervals,
}

/// The reply to `POST /edge/v1/credentials/rotate`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CredentialRotated {
    /// The new credential; use it from now on.
    pub credential: String,
    /// Until when the credential that made this call still works.
    pub previous_valid_until: DateTime<Utc>,
}

impl std::fmt::Debug for RegisterResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterResponse")
            .field("worker_id", &self.worker_id)
            .field("credential", &REDACTED)
            .field("intervals", &self.intervals)
            .finish()
    }
}

impl std::fmt::Debug for CredentialRotated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialRotated")
            .field("credential", &REDACTED)
            .field("previous_valid_until", &self.previous_valid_until)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_split_only_in_the_exact_format() {
        let secret = "0123456789abcdef0123456789abcdef0123456789abcdef";
        let text = format!("etr_live_deadbeef_{secret}");
        assert_eq!(
            SecretToken::parse(ENROLLMENT_TOKEN_PREFIX, &text),
            Some(SecretToken {
                id: "deadbeef",
                secret
            })
        );
        for bad in [
            format!("wk_live_deadbeef_{secret}"),
            format!("etr_live_DEADBEEF_{secret}"),
            format!("etr_live_deadbee_{secret}"),
            "etr_live_deadbeef_abc".to_owned(),
            format!("etr_live_deadbeef_{secret}_"),
        ] {
            assert_eq!(
                SecretToken::parse(ENROLLMENT_TOKEN_PREFIX, &bad),
                None,
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let secret = "0123456789abcdef0123456789abcdef0123456789abcdef";
        let text = format!("wk_live_deadbeef_{secret}");
        let token = SecretToken::parse(CREDENTIAL_PREFIX, &text).expect("well formed");
        let intervals = Intervals {
            heartbeat_seconds: 1,
            poll_seconds: 1,
            task_heartbeat_seconds: 1,
            lease_seconds: 2,
        };
        let registered = RegisterResponse {
            worker_id: Uuid::nil(),
            credential: text.clone(),
            intervals,
        };
        let rotated = CredentialRotated {
            credential: text.clone(),
            previous_valid_until: DateTime::<Utc>::UNIX_EPOCH,
        };
        for shown in [
            format!("{token:?}"),
            format!("{registered:?}"),
            format!("{rotated:#?}"),
        ] {
            assert!(!shown.contains(secret), "{shown}");
            assert!(shown.contains(REDACTED), "{shown}");
        }
        assert!(
            format!("{token:?}").contains("deadbeef"),
            "the id stays visible"
        );
    }
}

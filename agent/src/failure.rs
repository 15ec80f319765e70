//! How a command ends when it cannot go on: one line for the person at the terminal, and
//! an exit code a script can branch on.
//!
//! | code | meaning |
//! |------|---------|
//! | 0 | done (a `run` stopped by a signal or `--once` also ends here) |
//! | 1 | failed: a bad command line or input, no config, server unreachable, a refused call |
//! | 2 | needs a person: the server refused the token or credential, or disabled the worker |
//!
//! A second SIGTERM/SIGINT during `run` exits at once with 130.

use edge_protocol::api::{ApiError, ErrorCode};

use crate::client::ClientError;
use crate::config::ConfigError;

/// Something failed; retrying the same command will not help without a change.
pub const EXIT_FAILURE: u8 = 1;
/// The server refused this agent for good: its owner must act (enrol again, enable it).
pub const EXIT_FATAL: u8 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Printed to stderr; empty when the command already said everything.
    pub message: String,
    pub code: u8,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: EXIT_FAILURE,
        }
    }

    /// Exit 1 without another word: the command printed its own report.
    pub const fn silent() -> Self {
        Self {
            message: String::new(),
            code: EXIT_FAILURE,
        }
    }

    /// The server refused this agent or its token for good; `error` says why.
    pub fn fatal(error: &ApiError) -> Self {
        Self {
            message: advice(error),
            code: EXIT_FATAL,
        }
    }

    /// A failed call: fatal codes exit 2, anything else 1, prefixed by what was being done.
    pub fn from_client(doing: &str, err: &ClientError) -> Self {
        match err {
            ClientError::Api { error, .. } if error.code.is_fatal_for_agent() => Self::fatal(error),
            _ => Self::new(format!("{doing}: {err}")),
        }
    }
}

impl From<ConfigError> for Failure {
    fn from(err: ConfigError) -> Self {
        Self::new(err.to_string())
    }
}

/// One line naming the code and what to do about it.
pub fn advice(error: &ApiError) -> String {
    let code = error.code;
    let what = match code {
        ErrorCode::CredentialRevoked => {
            "the server revoked this agent's credential; enrol it again with `edge-agent onboard`"
        }
        ErrorCode::CredentialExpired => {
            "this agent's credential was rotated and the old one has expired; enrol it again \
             with `edge-agent onboard`"
        }
        ErrorCode::CredentialInvalid => {
            "the server does not know this agent's credential; check server_url in the config, \
             or enrol again with `edge-agent onboard`"
        }
        ErrorCode::Unauthorized => {
            "the server did not accept this agent's credential; check server_url in the config, \
             or enrol again with `edge-agent onboard`"
        }
        ErrorCode::WorkerDisabled => {
            "this worker's owner disabled it; enable it again on the fleet page, then start \
             the agent again"
        }
        ErrorCode::TokenInvalid => {
            "the server does not know this enrollment token; copy it again, or create a new one \
             on the fleet page"
        }
        ErrorCode::TokenExpired => {
            "the enrollment token has expired; create a new one on the fleet page"
        }
        ErrorCode::TokenRevoked => {
            "the enrollment token was revoked; create a new one on the fleet page"
        }
        ErrorCode::TokenExhausted => {
            "the enrollment token has been used as often as it allows; create a new one on the \
             fleet page"
        }
        _ => return format!("the server refused the call ({code}): {}", error.message),
    };
    // The code goes in the middle, where "(credential_revoked)" reads as the reason.
    match what.split_once(';') {
        Some((reason, action)) => format!("{reason} ({code});{action}"),
        None => format!("{what} ({code})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fatal_advice_names_the_code_and_the_way_out() {
        let message = advice(&ApiError::new(ErrorCode::CredentialRevoked, "revoked"));
        assert_eq!(
            message,
            "the server revoked this agent's credential (credential_revoked); enrol it again \
             with `edge-agent onboard`"
        );
        let disabled = Failure::fatal(&ApiError::new(ErrorCode::WorkerDisabled, "off"));
        assert_eq!(disabled.code, EXIT_FATAL);
        assert!(disabled.message.contains("(worker_disabled)"));
        assert!(!disabled.message.contains('\n'));
    }

    #[test]
    fn only_fatal_codes_exit_2() {
        let api = |code: ErrorCode| ClientError::Api {
            status: code.status(),
            error: ApiError::new(code, "m"),
        };
        assert_eq!(
            Failure::from_client("x", &api(ErrorCode::TokenExhausted)).code,
            EXIT_FATAL
        );
        let other = Failure::from_client("registering", &api(ErrorCode::Validation));
        assert_eq!(other.code, EXIT_FAILURE);
        assert!(other.message.starts_with("registering: "));
    }
}

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

/// What to do when the enrollment token is unusable: the server's CLI is where tokens
/// are made.
pub const NEW_TOKEN: &str =
    "create a new one on the server with `luckyplans token create --owner <email>`";

/// How an owner or an administrator changes a worker's state: the server's command
/// line (the app's server function `fleet/worker_action` does the same, signed in).
pub fn worker_action(action: &str) -> String {
    format!(
        "its owner or an administrator must {action} it: run `luckyplans worker {action} \
         <worker id>` on the server"
    )
}

/// One line naming the code and what to do about it.
pub fn advice(error: &ApiError) -> String {
    let code = error.code;
    let onboard = "enrol it again with `edge-agent onboard`";
    let what = match code {
        ErrorCode::CredentialRevoked => {
            format!("the server revoked this agent's credential; {onboard}")
        }
        ErrorCode::CredentialExpired => {
            format!("this agent's credential was rotated and the old one has expired; {onboard}")
        }
        ErrorCode::CredentialInvalid => format!(
            "the server does not know this agent's credential; check server_url in the config, \
             or {onboard}"
        ),
        ErrorCode::Unauthorized => format!(
            "the server did not accept this agent's credential; check server_url in the config, \
             or {onboard}"
        ),
        ErrorCode::WorkerDisabled => format!(
            "this worker's owner disabled it; {}, then start the agent again",
            worker_action("enable")
        ),
        ErrorCode::TokenInvalid => {
            format!("the server does not know this enrollment token; copy it again, or {NEW_TOKEN}")
        }
        ErrorCode::TokenExpired => format!("the enrollment token has expired; {NEW_TOKEN}"),
        ErrorCode::TokenRevoked => format!("the enrollment token was revoked; {NEW_TOKEN}"),
        ErrorCode::TokenExhausted => {
            format!("the enrollment token has been used as often as it allows; {NEW_TOKEN}")
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
    fn every_fatal_code_says_what_can_be_done_today() {
        let fatal: Vec<ErrorCode> = ErrorCode::ALL
            .iter()
            .copied()
            .filter(|code| code.is_fatal_for_agent())
            .collect();
        assert!(fatal.contains(&ErrorCode::WorkerDisabled));
        for code in fatal {
            let message = advice(&ApiError::new(code, "m"));
            assert!(!message.contains("fleet page"), "{code}: {message}");
            assert!(
                message.contains("`edge-agent onboard`")
                    || message.contains("`luckyplans token create --owner <email>`")
                    || message.contains("`luckyplans worker "),
                "{code} names no command: {message}"
            );
        }
        let exhausted = advice(&ApiError::new(ErrorCode::TokenExhausted, "m"));
        assert!(exhausted.contains("luckyplans token create"), "{exhausted}");
        let disabled = advice(&ApiError::new(ErrorCode::WorkerDisabled, "m"));
        assert!(
            disabled.contains("`luckyplans worker enable <worker id>`"),
            "{disabled}"
        );
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

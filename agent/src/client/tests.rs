//! Error classification, status mapping, and the rules that keep the bearer secret.

use edge_protocol::api::{ApiError, ErrorClass, ErrorCode};
use reqwest::StatusCode;

use super::error::code_for_status;
use super::{Client, ClientError};

fn api(code: ErrorCode) -> ClientError {
    ClientError::Api {
        status: code.status(),
        error: ApiError::new(code, "x"),
    }
}

#[test]
fn errors_say_whether_to_retry_or_stop() {
    for code in [
        ErrorCode::Internal,
        ErrorCode::Unavailable,
        ErrorCode::RateLimited,
    ] {
        assert!(api(code).is_retryable(), "{code}");
        assert!(!api(code).is_fatal(), "{code}");
    }
    for code in [
        ErrorCode::CredentialRevoked,
        ErrorCode::CredentialExpired,
        ErrorCode::WorkerDisabled,
    ] {
        assert!(api(code).is_fatal(), "{code}");
        assert!(!api(code).is_retryable(), "{code}");
        assert_eq!(api(code).class(), ErrorClass::Auth);
    }
    for code in [
        ErrorCode::Conflict,
        ErrorCode::WorkerQuarantined,
        ErrorCode::Validation,
    ] {
        assert!(!api(code).is_retryable(), "{code}");
        assert!(!api(code).is_fatal(), "{code}");
        assert_eq!(api(code).class(), ErrorClass::Server);
    }
    assert!(!ClientError::Decode("x".into()).is_retryable());
}

#[test]
fn statuses_without_a_body_map_to_codes() {
    assert_eq!(
        code_for_status(StatusCode::BAD_GATEWAY),
        ErrorCode::Unavailable
    );
    assert_eq!(
        code_for_status(StatusCode::INTERNAL_SERVER_ERROR),
        ErrorCode::Internal
    );
    assert_eq!(code_for_status(StatusCode::CONFLICT), ErrorCode::Conflict);
    assert_eq!(
        code_for_status(StatusCode::UNAUTHORIZED),
        ErrorCode::Unauthorized
    );
    assert_eq!(
        code_for_status(StatusCode::BAD_REQUEST),
        ErrorCode::Validation
    );
}

#[test]
fn the_client_never_shows_its_bearer() {
    let client =
        Client::new("https://plans.example", "wk_live_secret".into(), false).expect("client");
    assert!(!format!("{client:?}").contains("secret"));
}

#[test]
fn the_client_will_not_send_its_bearer_in_the_clear_to_another_host() {
    let refused = Client::new("http://plans.example", "wk_live_hidden".into(), false)
        .expect_err("plain http to another host");
    assert!(matches!(refused, ClientError::Insecure(_)), "{refused}");
    assert!(!refused.is_retryable());
    assert!(!refused.to_string().contains("hidden"), "{refused}");
    assert!(Client::new("http://127.0.0.1:3000", "wk_live_secret".into(), false).is_ok());
    assert!(Client::new("http://plans.example", "wk_live_secret".into(), true).is_ok());
}

//! `edge-agent onboard`: turns an enrollment token into a worker and a config file.
//!
//! Values come from flags, then `EDGE_AGENT_*` variables, then — when stdin is a terminal —
//! a prompt. Everything is checked before the server is called, and the config location is
//! checked for writing too: a token use spent on a credential that cannot be kept would
//! leave an orphan worker behind.

use std::io::{self, BufRead, IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use edge_protocol::api::{ErrorCode, RegisterRequest, RegisterResponse};

use crate::backoff::Backoff;
use crate::cli::OnboardArgs;
use crate::client::{Client, ClientError};
use crate::config::{
    AgentConfig, check_display_name, check_enrollment_token, check_writable, normalize_server_url,
    resolve_path,
};
use crate::failure::Failure;
use crate::transport;

/// Registration is not idempotent: a retry after a lost answer would spend a second token
/// use on a second worker. So only answers that say nothing happened are retried.
const REGISTER_ATTEMPTS: u32 = 4;

/// One value to gather: its flag and variable, for messages, and its prompt.
struct Field {
    flag: &'static str,
    env: &'static str,
    prompt: &'static str,
}

const SERVER: Field = Field {
    flag: "--server",
    env: "EDGE_AGENT_SERVER",
    prompt: "Server URL",
};
const TOKEN: Field = Field {
    flag: "--token",
    env: "EDGE_AGENT_TOKEN",
    prompt: "Enrollment token",
};
const NAME: Field = Field {
    flag: "--name",
    env: "EDGE_AGENT_NAME",
    prompt: "Display name",
};

pub fn run(args: OnboardArgs) -> Result<(), Failure> {
    let interactive = io::stdin().is_terminal();
    let path = resolve_path(args.config.config)?;
    refuse_to_overwrite(&path, args.force)?;

    // The order the docs show: the easy question first.
    let display_name = gather(
        args.name,
        &NAME,
        hostname().as_deref(),
        interactive,
        |name| check_display_name(name).map(|()| name.to_owned()),
    )?;
    let insecure = args.transport.insecure;
    // Before the token is asked for: it is the secret plain HTTP would give away.
    let server_url = gather(args.server, &SERVER, None, interactive, |url| {
        server_url_for(url, insecure)
    })?;
    let token = gather(args.token, &TOKEN, None, interactive, |token| {
        check_enrollment_token(token).map(|()| token.to_owned())
    })?;
    check_writable(&path)?;

    let request = RegisterRequest {
        display_name: display_name.clone(),
        platform: std::env::consts::OS.to_owned(),
        arch: std::env::consts::ARCH.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        cpus: std::thread::available_parallelism()
            .map_or(1, |cpus| u32::try_from(cpus.get()).unwrap_or(u32::MAX)),
    };
    if insecure && transport::is_plain_http_elsewhere(&server_url) {
        tracing::warn!(server = %server_url, "--insecure: the token and credential go over plain HTTP");
    }
    let client = Client::new(&server_url, token, insecure)
        .map_err(|err| Failure::new(format!("could not set up the HTTP client: {err}")))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure::new(format!("could not start the async runtime: {err}")))?;
    let registered = runtime
        .block_on(register(&client, &request))
        .map_err(|err| Failure::from_client(&format!("registering with {server_url}"), &err))?;

    let worker_id = registered.worker_id;
    let config = AgentConfig {
        server_url,
        worker_id,
        credential: registered.credential,
        display_name,
    };
    config.save(&path).map_err(|err| {
        Failure::new(format!(
            "registered worker {worker_id}, but {err}; its credential is lost, so that worker \
             will stay offline: fix the problem and enrol again with a token that has uses \
             left (`luckyplans token create --owner <email>` on the server makes one)"
        ))
    })?;
    tracing::info!(worker_id = %worker_id, config = %path.display(), "enrolled");

    let mut run_hint = if resolve_path(None).is_ok_and(|default| default == path) {
        "edge-agent run".to_owned()
    } else {
        format!("edge-agent run --config {}", path.display())
    };
    if transport::is_plain_http_elsewhere(&config.server_url) {
        run_hint.push_str(" --insecure");
    }
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "Registered worker {worker_id}; config written to {}\nStart it with: {run_hint}",
        path.display(),
    )
    .map_err(|err| Failure::new(format!("could not print the result: {err}")))
}

/// A server URL, normalized, that a secret may be sent to (see [`transport`]).
fn server_url_for(given: &str, insecure: bool) -> Result<String, String> {
    let url = normalize_server_url(given)?;
    transport::check(&url, insecure)?;
    Ok(url)
}

/// An existing config names a worker that would be orphaned: ask for `--force`.
fn refuse_to_overwrite(path: &Path, force: bool) -> Result<(), Failure> {
    if force || !path.exists() {
        return Ok(());
    }
    let which = AgentConfig::load(path).map_or_else(
        |_| String::new(),
        |existing| format!(" (worker {})", existing.worker_id),
    );
    Err(Failure::new(format!(
        "{} already holds an agent config{which}; pass --force to replace it, or --config to \
         write elsewhere",
        path.display()
    )))
}

/// How often a prompt asks again after an answer it cannot use.
const PROMPT_TRIES: u32 = 3;

/// The value from the flag or variable, else from a prompt when there is a terminal, else
/// `default`; checked (and normalized) by `check`. A bad value from a flag fails at once; a
/// bad answer at the prompt is explained and asked for again.
fn gather(
    given: Option<String>,
    field: &Field,
    default: Option<&str>,
    interactive: bool,
    check: impl Fn(&str) -> Result<String, String>,
) -> Result<String, Failure> {
    let invalid = |problem: String| Failure::new(format!("{}: {problem}", field.flag));
    if let Some(value) = given.map(|value| value.trim().to_owned())
        && !value.is_empty()
    {
        return check(&value).map_err(invalid);
    }
    if !interactive {
        return match default {
            Some(default) => check(default).map_err(invalid),
            None => Err(Failure::new(format!(
                "{} is missing; pass it (or set {}), since there is no terminal to ask on",
                field.flag, field.env
            ))),
        };
    }
    let mut last_problem = None;
    for _ in 0..PROMPT_TRIES {
        let answer = prompt(field.prompt, default)
            .map_err(|err| Failure::new(format!("could not read {}: {err}", field.flag)))?;
        let Some(answer) = answer else {
            // End of input (Ctrl-D): asking again would only loop.
            break;
        };
        match check(&answer) {
            Ok(value) => return Ok(value),
            Err(problem) => {
                eprintln!("  {problem}");
                last_problem = Some(problem);
            }
        }
    }
    Err(last_problem.map_or_else(
        || {
            Failure::new(format!(
                "{} is missing; pass it (or set {})",
                field.flag, field.env
            ))
        },
        invalid,
    ))
}

/// Asks on stderr (stdout stays clean for scripts) and reads a line. An empty answer takes
/// the default, or is empty; `None` at the end of input.
fn prompt(label: &str, default: Option<&str>) -> io::Result<Option<String>> {
    let mut err = io::stderr().lock();
    match default {
        Some(default) => write!(err, "{label} [{default}]: ")?,
        None => write!(err, "{label}: ")?,
    }
    err.flush()?;
    let mut line = String::new();
    if io::stdin().lock().read_line(&mut line)? == 0 {
        writeln!(err)?;
        return Ok(None);
    }
    let answer = line.trim();
    Ok(Some(match (answer.is_empty(), default) {
        (true, Some(default)) => default.to_owned(),
        _ => answer.to_owned(),
    }))
}

/// The machine's name, the default display name: `/etc/hostname`, else `$HOSTNAME`.
fn hostname() -> Option<String> {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
}

async fn register(
    client: &Client,
    request: &RegisterRequest,
) -> Result<RegisterResponse, ClientError> {
    let mut backoff = Backoff::NETWORK;
    loop {
        let err = match client.register(request).await {
            Ok(registered) => return Ok(registered),
            Err(err) => err,
        };
        if !nothing_happened(&err) || backoff.failures() + 1 >= REGISTER_ATTEMPTS {
            return Err(err);
        }
        let delay = backoff
            .next_delay(&mut rand::rng())
            .max(Duration::from_millis(200));
        tracing::warn!(error = %err, "registering failed; trying again");
        tokio::time::sleep(delay).await;
    }
}

/// Whether the server surely did not register anything: no connection was made, or it
/// said it was too busy to look.
fn nothing_happened(err: &ClientError) -> bool {
    match err {
        ClientError::Network(err) => err.is_connect(),
        ClientError::Api { error, .. } => {
            matches!(error.code, ErrorCode::RateLimited | ErrorCode::Unavailable)
        }
        ClientError::Decode(_) | ClientError::Insecure(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use edge_protocol::api::ApiError;

    fn accept(value: &str) -> Result<String, String> {
        Ok(value.to_owned())
    }

    #[test]
    fn a_given_value_wins_and_a_missing_one_names_its_flag() {
        assert_eq!(
            gather(
                Some("  https://a.example/ ".into()),
                &SERVER,
                None,
                false,
                normalize_server_url
            ),
            Ok("https://a.example".to_owned())
        );
        let missing = gather(None, &SERVER, None, false, accept).expect_err("missing");
        assert!(missing.message.contains("--server"), "{}", missing.message);
        assert!(missing.message.contains("EDGE_AGENT_SERVER"));
        assert!(gather(Some("  ".into()), &TOKEN, None, false, accept).is_err());
        assert_eq!(
            gather(None, &NAME, Some("studio"), false, accept),
            Ok("studio".to_owned())
        );
    }

    #[test]
    fn a_bad_value_fails_naming_its_flag_and_never_echoes_a_token() {
        let bad = gather(
            Some("ftp://x".into()),
            &SERVER,
            None,
            false,
            normalize_server_url,
        )
        .expect_err("scheme");
        assert!(bad.message.starts_with("--server: "), "{}", bad.message);
        let secret = "etr_live_deadbeef_NOT-HEX-AT-ALL-0000000000000000000000000000000000";
        let token = gather(Some(secret.into()), &TOKEN, None, false, |token| {
            check_enrollment_token(token).map(|()| token.to_owned())
        })
        .expect_err("shape");
        assert!(token.message.starts_with("--token: "));
        assert!(!token.message.contains("NOT-HEX"), "{}", token.message);
    }

    #[test]
    fn plain_http_to_another_host_is_refused_before_the_token_is_asked_for() {
        let refused = gather(
            Some("http://plans.example".into()),
            &SERVER,
            None,
            false,
            |url| server_url_for(url, false),
        )
        .expect_err("plain http elsewhere");
        assert!(
            refused.message.starts_with("--server: "),
            "{}",
            refused.message
        );
        assert!(
            refused.message.contains("--insecure"),
            "{}",
            refused.message
        );
        assert_eq!(
            server_url_for("http://127.0.0.1:3000/", false),
            Ok("http://127.0.0.1:3000".to_owned())
        );
        assert_eq!(
            server_url_for("http://plans.example/", true),
            Ok("http://plans.example".to_owned())
        );
        assert_eq!(
            server_url_for("https://plans.example", false),
            Ok("https://plans.example".to_owned())
        );
    }

    #[test]
    fn only_answers_that_registered_nothing_are_retried() {
        let api = |code: ErrorCode| ClientError::Api {
            status: code.status(),
            error: ApiError::new(code, ""),
        };
        assert!(nothing_happened(&api(ErrorCode::RateLimited)));
        assert!(nothing_happened(&api(ErrorCode::Unavailable)));
        assert!(!nothing_happened(&api(ErrorCode::Internal)));
        assert!(!nothing_happened(&api(ErrorCode::TokenExhausted)));
        assert!(!nothing_happened(&ClientError::Decode(String::new())));
    }

    #[test]
    fn an_existing_config_is_kept_without_force() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("edge-agent.toml");
        assert!(refuse_to_overwrite(&path, false).is_ok());
        std::fs::write(&path, "x").expect("write");
        let refused = refuse_to_overwrite(&path, false).expect_err("exists");
        assert!(refused.message.contains("--force"));
        assert!(refuse_to_overwrite(&path, true).is_ok());
    }
}

//! `luckyplans user …`: account operations from a shell, for bootstrapping the first
//! administrator and for operations when nobody can sign in.
//!
//! These go through the same code as the admin section (`domain::accounts::manage`),
//! so they are validated and audited the same way (with `"via": "cli"`).

use std::io::BufRead;

use app::admin::model::UserStatus;
use app::auth::ssr::request::ClientInfo;
use app_model::auth::Role;
use clap::{Subcommand, ValueEnum};
use domain::accounts::AccountError;
use domain::accounts::context::AuthContext;
use domain::accounts::input::Email;
use domain::accounts::manage::{self as accounts, Actor};
use domain::accounts::users;
use domain::sessions::SessionBackend;
use domain::storage::Database;

use crate::Config;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input (one line).
    Create {
        #[arg(long)]
        email: String,
        /// Display name [default: the part of the email before `@`]
        #[arg(long)]
        name: Option<String>,
        /// Make the account an administrator.
        #[arg(long)]
        admin: bool,
        /// Read the password from standard input (required: passwords never go on the
        /// command line, where other users and shell history can see them).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Make an account an administrator or a plain user.
    SetRole {
        #[arg(long)]
        email: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// Disable an account and end all of its sessions.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Enable a disabled account.
    Enable {
        #[arg(long)]
        email: String,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum RoleArg {
    Admin,
    User,
}

impl From<RoleArg> for Role {
    fn from(role: RoleArg) -> Self {
        match role {
            RoleArg::Admin => Self::Admin,
            RoleArg::User => Self::User,
        }
    }
}

/// Runs one command; `Ok` is the line to print, `Err` the one-line reason it failed.
pub async fn run(
    config: &Config,
    command: UserCommand,
    stdin: impl BufRead,
) -> Result<String, String> {
    let context = open(config).await?;
    let client = ClientInfo::default();
    let actor = Actor {
        user_id: None,
        client: &client,
        via: "cli",
    };
    let result = execute(&context, &actor, command, stdin).await;
    context.sessions.close().await;
    context.database.close().await;
    result
}

async fn execute(
    context: &AuthContext,
    actor: &Actor<'_>,
    command: UserCommand,
    mut stdin: impl BufRead,
) -> Result<String, String> {
    match command {
        UserCommand::Create {
            email, name, admin, ..
        } => {
            let mut password = String::new();
            stdin
                .read_line(&mut password)
                .map_err(|err| format!("cannot read the password from standard input: {err}"))?;
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let name = name.unwrap_or_else(|| {
                email
                    .split('@')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_owned()
            });
            let role = if admin { Role::Admin } else { Role::User };
            let user = accounts::create_user(context, actor, &email, &name, password, role)
                .await
                .map_err(describe)?;
            Ok(format!(
                "created {} ({}) as {}",
                user.email,
                user.id,
                role.as_str()
            ))
        }
        UserCommand::SetRole { email, role } => {
            let user = find(context, &email).await?;
            let user = accounts::set_role(context, actor, &user.id, role.into())
                .await
                .map_err(describe)?;
            Ok(format!("{} is now {}", user.email, user.role.as_str()))
        }
        UserCommand::Disable { email } => {
            let user = find(context, &email).await?;
            let user = accounts::set_status(context, actor, &user.id, UserStatus::Disabled)
                .await
                .map_err(describe)?;
            Ok(format!(
                "{} is disabled; its sessions have ended",
                user.email
            ))
        }
        UserCommand::Enable { email } => {
            let user = find(context, &email).await?;
            let user = accounts::set_status(context, actor, &user.id, UserStatus::Active)
                .await
                .map_err(describe)?;
            Ok(format!("{} is enabled", user.email))
        }
    }
}

async fn open(config: &Config) -> Result<AuthContext, String> {
    let database = Database::connect(&config.database)
        .await
        .map_err(|err| err.to_string())?;
    database.migrate().await.map_err(|err| err.to_string())?;
    let sessions = match &config.redis_url {
        Some(url) => SessionBackend::redis(url).await,
        None => SessionBackend::sql(&database).await,
    }
    .map_err(|err| err.to_string())?;
    Ok(AuthContext {
        database,
        sessions,
        limits: config.session_limits(),
        lockout: config.lockout,
        oidc: None,
        hashing: domain::accounts::password::HashingGate::sized_to_cores(),
    })
}

async fn find(context: &AuthContext, email: &str) -> Result<users::UserRecord, String> {
    let parsed = Email::parse(email).map_err(|err| format!("--email: {}", err.message))?;
    users::find_by_email(&context.database, &parsed)
        .await
        .map_err(|err| err.to_string())?
        .ok_or_else(|| format!("no account has the email {}", parsed.as_str()))
}

/// One line for an error, naming the flag a field error belongs to.
fn describe(err: AccountError) -> String {
    match err {
        AccountError::Invalid(fields) => fields
            .iter()
            .map(|field| {
                let flag = match field.field.as_str() {
                    "display_name" => "--name",
                    "email" => "--email",
                    _ => "password",
                };
                format!("{flag}: {}", field.message)
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    }
}

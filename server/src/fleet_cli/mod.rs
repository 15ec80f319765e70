//! `luckyplans token|dataset|task|worker …`: the fleet from a shell, for operators,
//! scripts and tests. Each command acts for the account named by `--owner` (or on any
//! object by id), through the same code as the app's server functions, so it is validated
//! the same way; every change is audited with `"via": "cli"`.

mod results;
mod workers;

use std::path::PathBuf;

use app::auth::model::AuditAction;
use app::auth::ssr::request::ClientInfo;
use app_model::fleet::{NewTask, Task};
use clap::Subcommand;
use domain::accounts::input::Email;
use domain::accounts::users;
use domain::audit;
use domain::fleet::datasets::ImportError;
use domain::fleet::tokens::TokenRequest;
use domain::fleet::{EdgeContext, FleetError, Owner, datasets, tasks, tokens};
use domain::storage::{Database, ObjectStorage};
use edge_protocol::dataset::LayoutOverrides;

pub use workers::WorkerCommand;

use crate::Config;
use crate::startup::edge_settings;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an enrollment token and print it (the only time it is shown).
    Create {
        /// The email of the account the enrolled agents will belong to.
        #[arg(long)]
        owner: String,
        /// How many agents may enrol with it.
        #[arg(long, default_value_t = 1)]
        max_uses: i64,
        /// How long it stays valid: `90s`, `30m`, `1h`, `7d` [default: LP_EDGE_TOKEN_TTL_SECS, 1h]
        #[arg(long)]
        expires_in: Option<String>,
        /// A name to recognise it by.
        #[arg(long)]
        label: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DatasetCommand {
    /// Check an OHLCV CSV file, convert it into the dataset format and store it; prints
    /// the dataset id. The layout is detected as for an upload over HTTP (header names in any
    /// case and order, `,` `;` or tab, dates or Unix seconds or milliseconds, headerless
    /// kline files); the flags override any part of it.
    Import {
        #[arg(long)]
        owner: String,
        /// A name for the dataset [default: the file name]
        #[arg(long)]
        name: Option<String>,
        /// The character between fields: comma, semicolon or tab [default: detected]
        #[arg(long)]
        delimiter: Option<String>,
        /// Whether the first row names the columns: yes or no [default: detected]
        #[arg(long)]
        header: Option<String>,
        /// Rows without candles to skip after the header [default: detected]
        #[arg(long)]
        skip_rows: Option<String>,
        /// Which column holds each field, counted from 1, e.g.
        /// `time=1,open=2,high=3,low=4,close=5,volume=6` (`volume=none` without volumes)
        /// [default: detected from the header's names]
        #[arg(long)]
        columns: Option<String>,
        /// The CSV file.
        file: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Queue a backtest task; prints the task id.
    Create {
        #[arg(long)]
        owner: String,
        /// The dataset id (from `luckyplans dataset import`).
        #[arg(long)]
        dataset: String,
        /// `sma_crossover`, `rsi_mean_reversion` or `bollinger_breakout`.
        #[arg(long)]
        strategy: String,
        /// Parameter ranges: `fast=5..20:5,slow=20..60:10`.
        #[arg(long, default_value = "")]
        grid: String,
        /// Fee per fill, as a fraction (0.001 is 0.1 %).
        #[arg(long, default_value_t = 0.001)]
        fee: f64,
        /// Slippage per fill, as a fraction.
        #[arg(long, default_value_t = 0.0005)]
        slippage: f64,
        /// Run only on this worker [default: any of the owner's workers]
        #[arg(long)]
        worker: Option<String>,
    },
    /// Print a task's state and progress.
    Show {
        id: String,
        /// Print JSON: `id`, `state`, `configs_done`, `configs_total`, `result_count`, …
        #[arg(long)]
        json: bool,
    },
    /// Cancel a task (at once when queued; within one task heartbeat when running).
    Cancel { id: String },
    /// Put a failed or cancelled task back in the queue.
    Retry { id: String },
    /// Print a task's results, best first: a table, or every config as JSON or CSV with
    /// its parameters and its metrics under the protocol's `Metrics` names.
    Results(results::ResultsArgs),
}

/// One of the fleet commands.
#[derive(Debug)]
pub enum FleetCommand {
    Token(TokenCommand),
    Dataset(DatasetCommand),
    Task(TaskCommand),
    Worker(WorkerCommand),
}

/// Runs one command; `Ok` is what to print, `Err` the one-line reason it failed.
pub async fn run(config: &Config, command: FleetCommand) -> Result<String, String> {
    let database = Database::connect(&config.database)
        .await
        .map_err(|err| err.to_string())?;
    database.migrate().await.map_err(|err| err.to_string())?;
    let objects = ObjectStorage::connect(&config.objects)
        .await
        .map_err(|err| err.to_string())?;
    let settings = edge_settings(config, &database)
        .await
        .map_err(|err| err.to_string())?;
    let context = EdgeContext::new(database.clone(), objects, settings);
    let result = execute(&context, command).await;
    database.close().await;
    result
}

/// A file's contents as a stream of chunks, read as the import asks for them.
fn file_chunks(
    file: tokio::fs::File,
) -> impl futures::Stream<Item = std::io::Result<bytes::Bytes>> + Unpin {
    use tokio::io::AsyncReadExt;
    const CHUNK: usize = 256 * 1024;
    Box::pin(futures::stream::try_unfold(file, |mut file| async move {
        let mut chunk = bytes::BytesMut::with_capacity(CHUNK);
        let read = file.read_buf(&mut chunk).await?;
        Ok((read > 0).then(|| (chunk.freeze(), file)))
    }))
}

/// Writes the audit entry of a change made from the shell: no signed-in actor, the
/// object's owner as the subject.
async fn audit_change(
    context: &EdgeContext,
    action: AuditAction,
    owner_id: &str,
    object: &str,
    id: &str,
) {
    audit::fleet_change(
        &context.database,
        action,
        audit::FleetActor::Shell,
        owner_id,
        (object, id),
        &ClientInfo::default(),
    )
    .await;
}

/// An operator at the server's shell reaches every task and worker by id.
fn operator() -> Owner {
    Owner {
        user_id: String::new(),
        is_admin: true,
    }
}

async fn execute(context: &EdgeContext, command: FleetCommand) -> Result<String, String> {
    match command {
        FleetCommand::Token(TokenCommand::Create {
            owner,
            max_uses,
            expires_in,
            label,
        }) => {
            let owner = owner_by_email(&context.database, &owner).await?;
            let ttl_secs = expires_in
                .map(|text| parse_duration(&text).map_err(|err| format!("--expires-in: {err}")))
                .transpose()?;
            let request = TokenRequest {
                label,
                max_uses: Some(max_uses),
                ttl_secs,
            };
            let created = tokens::create(context, &owner, request)
                .await
                .map_err(|err| describe(&err))?;
            let id = &created.details.id;
            audit_change(
                context,
                AuditAction::FleetTokenCreated,
                &owner.user_id,
                "token",
                id,
            )
            .await;
            Ok(created.token)
        }
        FleetCommand::Dataset(DatasetCommand::Import {
            owner,
            name,
            delimiter,
            header,
            skip_rows,
            columns,
            file,
        }) => {
            let overrides = LayoutOverrides::from_parts(
                delimiter.as_deref(),
                header.as_deref(),
                skip_rows.as_deref(),
                columns.as_deref(),
            )?;
            let owner = owner_by_email(&context.database, &owner).await?;
            let opened = tokio::fs::File::open(&file)
                .await
                .map_err(|err| format!("cannot read {}: {err}", file.display()))?;
            let name = name.unwrap_or_else(|| {
                file.file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "dataset".to_owned())
            });
            // The same streaming import as an upload from the app: the file is read in
            // chunks, never whole, and refused as soon as it passes the size limit.
            match datasets::import(context, &owner, &name, &overrides, file_chunks(opened)).await {
                Ok(dataset) => {
                    let action = AuditAction::FleetDatasetUploaded;
                    audit_change(context, action, &owner.user_id, "dataset", &dataset.id).await;
                    Ok(dataset.id)
                }
                Err(ImportError::Fleet(err)) => Err(describe(&err)),
                Err(err) => Err(format!("{} was not imported: {err}", file.display())),
            }
        }
        FleetCommand::Task(TaskCommand::Create {
            owner,
            dataset,
            strategy,
            grid,
            fee,
            slippage,
            worker,
        }) => {
            let owner = owner_by_email(&context.database, &owner).await?;
            let request = NewTask {
                dataset_id: dataset,
                strategy,
                grid,
                fee,
                slippage,
                worker_id: worker,
            };
            let task = tasks::create(context, &owner, &request)
                .await
                .map_err(|err| describe(&err))?;
            audit_change(
                context,
                AuditAction::FleetTaskCreated,
                &owner.user_id,
                "task",
                &task.id,
            )
            .await;
            Ok(task.id)
        }
        FleetCommand::Task(TaskCommand::Show { id, json }) => {
            let task = tasks::owned(context, &operator(), &id)
                .await
                .map_err(|err| describe(&err))?
                .to_model();
            if json {
                serde_json::to_string_pretty(&task).map_err(|err| err.to_string())
            } else {
                Ok(summary(&task))
            }
        }
        FleetCommand::Task(TaskCommand::Cancel { id }) => {
            let owner_id = task_owner(context, &id).await?;
            let task = tasks::cancel(context, &operator(), &id)
                .await
                .map_err(|err| describe(&err))?;
            audit_change(
                context,
                AuditAction::FleetTaskCancelled,
                &owner_id,
                "task",
                &id,
            )
            .await;
            Ok(summary(&task))
        }
        FleetCommand::Task(TaskCommand::Retry { id }) => {
            let owner_id = task_owner(context, &id).await?;
            let task = tasks::retry(context, &operator(), &id)
                .await
                .map_err(|err| describe(&err))?;
            audit_change(
                context,
                AuditAction::FleetTaskRetried,
                &owner_id,
                "task",
                &id,
            )
            .await;
            Ok(summary(&task))
        }
        FleetCommand::Task(TaskCommand::Results(args)) => {
            results::execute(context, &operator(), args).await
        }
        FleetCommand::Worker(command) => workers::execute(context, command).await,
    }
}

/// The owner of a task, to name them in the audit log.
async fn task_owner(context: &EdgeContext, id: &str) -> Result<String, String> {
    tasks::owned(context, &operator(), id)
        .await
        .map(|row| row.owner_id)
        .map_err(|err| describe(&err))
}

fn summary(task: &Task) -> String {
    let mut text = format!(
        "{}  {}  {}/{} configs  {} results  {} ({})",
        task.id,
        task.state.as_str(),
        task.configs_done,
        task.configs_total,
        task.result_count,
        task.strategy,
        task.grid
    );
    if task.cancel_requested && !task.state.is_finished() {
        text.push_str("  cancel requested");
    }
    if let Some(error) = &task.error {
        text.push_str("\nerror: ");
        text.push_str(error);
    }
    text
}

async fn owner_by_email(database: &Database, email: &str) -> Result<Owner, String> {
    let parsed = Email::parse(email).map_err(|err| format!("--owner: {}", err.message))?;
    let user = users::find_by_email(database, &parsed)
        .await
        .map_err(|err| err.to_string())?
        .ok_or_else(|| format!("--owner: no account has the email {}", parsed.as_str()))?;
    Ok(Owner {
        user_id: user.id,
        is_admin: false,
    })
}

/// One line for an error, naming the flag a field error belongs to.
pub(crate) fn describe(err: &FleetError) -> String {
    match err {
        FleetError::Refused {
            message,
            field: Some(field),
            ..
        } => {
            let flag = match *field {
                "expires_in" => "--expires-in",
                "max_uses" => "--max-uses",
                "dataset" => "--dataset",
                "worker" => "--worker",
                "strategy" => "--strategy",
                "grid" => "--grid",
                "fee" => "--fee",
                "slippage" => "--slippage",
                "name" => "--name",
                other => other,
            };
            format!("{flag}: {message}")
        }
        FleetError::Refused { message, .. } => message.clone(),
        FleetError::Storage { .. } => err.to_string(),
    }
}

/// `90s`, `30m`, `1h`, `7d` (or plain seconds) as seconds.
fn parse_duration(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: i64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 30m, 1h or 7d"))?;
    let unit = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 60 * 60,
        "d" => 24 * 60 * 60,
        _ => return Err(format!("`{text}`: use s, m, h or d")),
    };
    number
        .checked_mul(unit)
        .ok_or_else(|| format!("`{text}` is too long"))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations_read_in_seconds_minutes_hours_and_days() {
        assert_eq!(parse_duration("90"), Ok(90));
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("30m"), Ok(1_800));
        assert_eq!(parse_duration("1h"), Ok(3_600));
        assert_eq!(parse_duration("7d"), Ok(604_800));
        assert!(parse_duration("1w").is_err());
        assert!(parse_duration("soon").is_err());
    }
}

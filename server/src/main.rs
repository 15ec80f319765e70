//! `luckyplans`: the server binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use server::config::{DEFAULT_CONFIG_FILE, Overrides};
use server::fleet_cli::{
    self, DatasetCommand, FleetCommand, TaskCommand, TokenCommand, WorkerCommand,
};
use server::user_cli::{self, UserCommand};
use server::{Application, Config, telemetry};

/// Rendering a page allocates many small, short-lived values on every worker thread. Under
/// load, glibc's allocator took about a third of a signed-in page's CPU time in `malloc`,
/// `free` and `malloc_consolidate` (`perf` during `bench/run`'s fleet page).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(name = "luckyplans", version, about = "The LuckyPlans server")]
struct Cli {
    /// Configuration file (TOML). Optional unless given explicitly.
    #[arg(long, global = true, env = "LP_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (the default).
    Serve(ServeArgs),
    /// Manage accounts: create, set-role, disable, enable.
    User {
        /// Folder of the SQLite database [env: LP_DATA_DIR] [default: ./data]
        #[arg(long)]
        data_dir: Option<PathBuf>,
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Enrollment tokens for edge agents: create.
    Token {
        #[command(flatten)]
        store: StoreArgs,
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Datasets for backtests: import.
    Dataset {
        #[command(flatten)]
        store: StoreArgs,
        #[command(subcommand)]
        command: DatasetCommand,
    },
    /// Backtest tasks: create, show, cancel, retry.
    Task {
        #[command(flatten)]
        store: StoreArgs,
        #[command(subcommand)]
        command: TaskCommand,
    },
    /// Edge agents: list; disable, enable, release, rotate-credential, revoke.
    Worker {
        #[command(flatten)]
        store: StoreArgs,
        #[command(subcommand)]
        command: WorkerCommand,
    },
}

#[derive(Debug, Default, clap::Args)]
struct StoreArgs {
    /// Folder of the SQLite database and local objects [env: LP_DATA_DIR] [default: ./data]
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

#[derive(Debug, Default, clap::Args)]
struct ServeArgs {
    /// Address to listen on [env: LP_ADDR] [default: 127.0.0.1:3000]
    #[arg(long)]
    addr: Option<SocketAddr>,
    /// Folder for the SQLite database and local objects [env: LP_DATA_DIR] [default: ./data]
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve(ServeArgs::default()));
    let (file, required) = match cli.config {
        Some(file) => (file, true),
        None => (PathBuf::from(DEFAULT_CONFIG_FILE), false),
    };
    let overrides = match &command {
        Command::Serve(args) => Overrides {
            addr: args.addr,
            data_dir: args.data_dir.clone(),
        },
        Command::User { data_dir, .. } => Overrides {
            addr: None,
            data_dir: data_dir.clone(),
        },
        Command::Token { store, .. }
        | Command::Dataset { store, .. }
        | Command::Task { store, .. }
        | Command::Worker { store, .. } => Overrides {
            addr: None,
            data_dir: store.data_dir.clone(),
        },
    };
    let config = match Config::load(&file, required, &overrides) {
        Ok(config) => config,
        Err(err) => return fail(&err.to_string()),
    };
    if let Err(err) = telemetry::init(config.log_format, &config.log_filter) {
        return fail(&err);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return fail(&format!("cannot start the async runtime: {err}")),
    };
    let outcome = match command {
        Command::Serve(_) => return runtime.block_on(serve(config)),
        Command::User { command, .. } => {
            let stdin = std::io::stdin().lock();
            runtime.block_on(user_cli::run(&config, command, stdin))
        }
        Command::Token { command, .. } => {
            runtime.block_on(fleet_cli::run(&config, FleetCommand::Token(command)))
        }
        Command::Dataset { command, .. } => {
            runtime.block_on(fleet_cli::run(&config, FleetCommand::Dataset(command)))
        }
        Command::Task { command, .. } => {
            runtime.block_on(fleet_cli::run(&config, FleetCommand::Task(command)))
        }
        Command::Worker { command, .. } => {
            runtime.block_on(fleet_cli::run(&config, FleetCommand::Worker(command)))
        }
    };
    match outcome {
        Ok(output) => {
            // The command's result is its output, for people and scripts.
            #[allow(clippy::print_stdout)]
            {
                println!("{output}");
            }
            ExitCode::SUCCESS
        }
        Err(err) => fail(&err),
    }
}

async fn serve(config: Config) -> ExitCode {
    let shutdown = shutdown_signal();
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(err) => {
            tracing::error!(error = %err, "cannot start");
            return fail(&err.to_string());
        }
    };
    let addr = app.local_addr();
    let urls = app.state().urls().clone();
    tracing::info!(%addr, "listening");
    for site in app::site::Site::ALL {
        tracing::info!(site = site.key(), url = %urls.origin(site), "serving");
    }
    match app.run_until(shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&err.to_string()),
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed when this is
/// called, not when it is first polled, so a signal that arrives while the server is
/// still starting stops it cleanly once it is up instead of killing it mid-start.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let terminate = signal(SignalKind::terminate()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        async move {
            let wait = |stream: Option<tokio::signal::unix::Signal>| async move {
                match stream {
                    Some(mut stream) => {
                        stream.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(terminate) => {},
                () = wait(interrupt) => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Prints one line to stderr and exits non-zero.
fn fail(message: &str) -> ExitCode {
    eprintln!("luckyplans: {message}");
    ExitCode::from(2)
}

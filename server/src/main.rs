//! `luckyplans`: the server binary.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use server::config::{DEFAULT_CONFIG_FILE, Overrides};
use server::{Application, Config, telemetry};

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
    let Command::Serve(args) = cli.command.unwrap_or(Command::Serve(ServeArgs::default()));
    let (file, required) = match cli.config {
        Some(file) => (file, true),
        None => (PathBuf::from(DEFAULT_CONFIG_FILE), false),
    };
    let overrides = Overrides {
        addr: args.addr,
        data_dir: args.data_dir,
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
    runtime.block_on(serve(config))
}

async fn serve(config: Config) -> ExitCode {
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
    match app.run_until(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&err.to_string()),
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}

/// Prints one line to stderr and exits non-zero.
fn fail(message: &str) -> ExitCode {
    eprintln!("luckyplans: {message}");
    ExitCode::from(2)
}

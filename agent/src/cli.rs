//! The command line. Every flag can also come from an `EDGE_AGENT_*` environment variable,
//! so the agent runs the same way from a shell, a service unit or a container.

use std::num::NonZeroUsize;
use std::path::PathBuf;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand};

/// Runs strategy backtests for LuckyPlans on this machine.
#[derive(Debug, Parser)]
#[command(name = "edge-agent", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Enrol this machine as a worker with an enrollment token, and write its config.
    Onboard(OnboardArgs),
    /// Run backtests: heartbeat, lease tasks, post results, until stopped.
    Run(RunArgs),
    /// Show the config in use and what the server says about this worker.
    Status(StatusArgs),
}

#[derive(Debug, Args)]
pub struct ConfigArg {
    /// The agent's config file [default: <config dir>/luckyplans/edge-agent.toml].
    #[arg(long, env = "EDGE_AGENT_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct InsecureArg {
    /// Allow plain http:// to a server that is not this machine. The token and credential
    /// then cross the network unencrypted: only for a network you trust end to end.
    #[arg(long, env = "EDGE_AGENT_INSECURE", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub insecure: bool,
}

#[derive(Debug, Args)]
pub struct OnboardArgs {
    /// The LuckyPlans server, e.g. https://luckyplans.example.
    #[arg(long, env = "EDGE_AGENT_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// The enrollment token (etr_live_…) from `luckyplans token create` on the server.
    #[arg(
        long,
        env = "EDGE_AGENT_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
    /// What to call this machine in the fleet [default: the host name].
    #[arg(long, env = "EDGE_AGENT_NAME", value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub config: ConfigArg,
    #[command(flatten)]
    pub transport: InsecureArg,
    /// Replace an existing config (the worker it names keeps existing on the server).
    #[arg(long, env = "EDGE_AGENT_FORCE", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    #[command(flatten)]
    pub transport: InsecureArg,
    /// CPU threads to backtest on [default: all].
    #[arg(long, env = "EDGE_AGENT_MAX_CPUS", value_name = "N")]
    pub max_cpus: Option<NonZeroUsize>,
    /// Run at most one task, then exit (at once when there is none).
    #[arg(long, env = "EDGE_AGENT_ONCE", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub once: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub config: ConfigArg,
    #[command(flatten)]
    pub transport: InsecureArg,
    /// Print one JSON object instead of text.
    #[arg(long, env = "EDGE_AGENT_JSON", action = ArgAction::SetTrue, value_parser = BoolishValueParser::new())]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn flags_parse() {
        let cli = Cli::try_parse_from([
            "edge-agent",
            "run",
            "--max-cpus",
            "3",
            "--once",
            "--config",
            "/tmp/a.toml",
        ])
        .expect("parses");
        let Command::Run(args) = cli.command else {
            panic!("not run");
        };
        assert_eq!(args.max_cpus.map(NonZeroUsize::get), Some(3));
        assert!(args.once);
        assert_eq!(args.config.config, Some(PathBuf::from("/tmp/a.toml")));
        assert!(Cli::try_parse_from(["edge-agent", "run", "--max-cpus", "0"]).is_err());
        assert!(
            !args.transport.insecure,
            "plain HTTP elsewhere is off unless asked for"
        );
    }

    #[test]
    fn insecure_is_a_flag_on_every_command_that_calls_the_server() {
        for command in ["onboard", "run", "status"] {
            let cli = Cli::try_parse_from(["edge-agent", command, "--insecure"]).expect("parses");
            let insecure = match cli.command {
                Command::Onboard(args) => args.transport.insecure,
                Command::Run(args) => args.transport.insecure,
                Command::Status(args) => args.transport.insecure,
            };
            assert!(insecure, "{command}");
        }
    }
}

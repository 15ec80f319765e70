//! `edge-agent`: the command line. Everything lives in the library; this only dispatches
//! and turns the outcome into an exit code (see [`edge_agent::failure`]).

use std::process::ExitCode;

use clap::Parser;
use edge_agent::cli::{Cli, Command};
use edge_agent::failure::EXIT_FAILURE;
use edge_agent::{logging, onboard, runner, status};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Not clap's usual 2 for a bad command line: 2 is kept for "the server refused
            // this agent", which a service manager must not restart on.
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(EXIT_FAILURE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    logging::init();
    let outcome = match cli.command {
        Command::Onboard(args) => onboard::run(args),
        Command::Run(args) => runner::run(&args),
        Command::Status(args) => status::run(args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("edge-agent: {}", failure.message);
            }
            ExitCode::from(failure.code)
        }
    }
}

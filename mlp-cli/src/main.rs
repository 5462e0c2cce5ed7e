//! The `mlp` command: train, evaluate and apply networks on sentiment
//! corpora.

#![warn(missing_docs)]

mod args;
mod data;
mod error;
mod eval;
mod info;
mod predict;
mod train;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

use crate::args::{Cli, Command};
use crate::error::{CliError, one_line};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return report_clap_error(&error),
    };

    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let outcome = match &cli.command {
        Command::Train(args) => train::run(args, &mut out),
        Command::Eval(args) => eval::run(args, &mut out),
        Command::Predict(args) => predict::run(args, &mut out, &mut std::io::stderr()),
        Command::Info(args) => info::run(args, &mut out),
    };
    let outcome = outcome.and_then(|()| out.flush().map_err(CliError::Output));

    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stops early, such as `mlp predict | head`, closes
        // the pipe, which ends the output but is no failure.
        Err(CliError::Output(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {}", one_line(&error.to_string()));
            ExitCode::from(error.exit_code())
        }
    }
}

/// Prints help and version text as clap does, and any other clap error as
/// one line on standard error. Returns the exit status.
fn report_clap_error(error: &clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            // Help and version go to standard output, where a closed pipe
            // is no failure either.
            let _ = error.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprintln!(
                "error: a subcommand is required: train, eval, predict or info; \
                 for more information, try '--help'"
            );
            ExitCode::from(2)
        }
        _ => {
            eprintln!("{}", clap_message(&error.render().to_string()));
            ExitCode::from(2)
        }
    }
}

/// Turns a clap error message into one line: the usage block is dropped,
/// a tip becomes a clause of its own, and the pointer to --help comes last.
fn clap_message(rendered: &str) -> String {
    let lines: Vec<&str> = rendered
        .lines()
        .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("For more information"))
        .map(|line| match line.trim_start().strip_prefix("tip:") {
            Some(tip) => tip.trim_start(),
            None => line,
        })
        .collect();
    format!(
        "{}; for more information, try '--help'",
        one_line(&lines.join("\n"))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_message_one_line() {
        let rendered = "error: unexpected argument '--epoch' found\n\n  tip: a similar argument \
                        exists: '--epochs'\n\nUsage: mlp train [OPTIONS]\n\nFor more information, \
                        try '--help'.\n";
        assert_eq!(
            clap_message(rendered),
            "error: unexpected argument '--epoch' found; a similar argument exists: '--epochs'; \
             for more information, try '--help'"
        );
    }

    #[test]
    fn clap_message_keeps_list_items() {
        let rendered = "error: the following required arguments were not provided:\n  \
                        --model <FILE>\n\nUsage: mlp eval --model <FILE>\n";
        assert_eq!(
            clap_message(rendered),
            "error: the following required arguments were not provided: --model <FILE>; \
             for more information, try '--help'"
        );
    }
}

//! The `picsim` command: parse the command line, run, print one error chain, exit.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    picsim::sys::return_large_allocations();
    let cli = picsim::cli::Cli::parse();
    match picsim::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

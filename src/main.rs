//! The `picsim` command: parse the command line, run, print one error chain, exit.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    picsim::sys::return_large_allocations();
    let cli = picsim::cli::Cli::parse();
    match picsim::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // In a distributed launch, rank 0 speaks for every rank.
            if !picsim::comm::is_secondary() {
                eprintln!("error: {e:#}");
            }
            ExitCode::from(1)
        }
    }
}

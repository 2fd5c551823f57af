//! The `picsim` command: parse the command line, run, print one error chain, exit.

use clap::Parser;
use std::io::IsTerminal;
use std::process::ExitCode;

/// SIGINT or SIGTERM: the temporary folders are removed, one line says so, and the process ends
/// with the shell's code for the signal (130, 143).
fn stop(signal: i32) {
    let targets = picsim::output::staging::abandon_all();
    // In a distributed launch, rank 0 speaks for every rank (and only rank 0 writes).
    if !picsim::comm::is_secondary() {
        if std::io::stderr().is_terminal() {
            // End the progress bar's line.
            eprintln!();
        }
        if targets.is_empty() {
            eprintln!("interrupted");
        }
        for (target, kept) in targets {
            match kept {
                Some(kept) => eprintln!(
                    "interrupted: what it finished is kept in {}; run the same command with --resume to continue (nothing written to {} yet)",
                    kept.display(),
                    target.display()
                ),
                None => eprintln!("interrupted: nothing written to {}", target.display()),
            }
        }
    }
    std::process::exit(128 + signal);
}

fn main() -> ExitCode {
    picsim::sys::return_large_allocations();
    if let Err(e) = picsim::sys::on_stop_signal(stop) {
        eprintln!(
            "warning: cannot catch interruptions ({e}); an interrupted run may leave a temporary folder"
        );
    }
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

//! The subcommands, one file each. Those that run scenarios (`run`, `sweep`, `sensitivity`,
//! `calibrate` and its check) resolve a plan (`plan.rs`) from their arguments and the scenario,
//! then say only what differs (which scenarios run, what is written); `validate`, `compare` and
//! `population` are short functions of their own. This file only dispatches.

mod calibrate;
mod check;
mod compare;
mod experiments;
mod import;
mod plan;
mod population;
mod progress;
mod run;
mod validate;

use crate::cli::{Cli, Command};
use crate::comm::Comm;
use anyhow::Result;
use std::process::ExitCode;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let comm = crate::comm::launch();
    let comm: &dyn Comm = &*comm;
    match cli.command {
        Command::Run(args) => run::run(args, comm),
        Command::Sweep(args) => experiments::sweep(args, comm),
        Command::Sensitivity(args) => experiments::sensitivity(args, comm),
        // `--check N` checks the calibration the same command line would run (`check`).
        Command::Calibrate(args) => match args.check {
            Some(repeats) => check::check(&args, &calibrate::setup(&args)?, repeats as usize, comm),
            None => calibrate::calibrate(args, comm),
        },
        // The other commands are one process's work: in a distributed launch, rank 0 does it.
        _ if comm.rank() != 0 => Ok(ExitCode::SUCCESS),
        Command::Validate(args) => validate::validate(args),
        Command::Population(args) => population::population(args),
        Command::Compare(args) => compare::compare(args),
        Command::Import(args) => import::import(args),
    }
}

//! `picsim compare`: the comparison of finished run folders.

use super::plan;
use crate::cli::CompareArgs;
use crate::experiments::compare;
use crate::experiments::folder;
use crate::output::Staging;
use anyhow::Result;
use std::process::ExitCode;
use std::time::Instant;

/// Reads the runs, checks that they can be compared, and writes the comparison.
pub(crate) fn compare(args: CompareArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| compare::default_out(&args.runs));
    let cmp = compare::from_folders(&args.runs, &out)?;
    let mut inputs = crate::output::Inputs::default();
    for run in &args.runs {
        inputs.add(run, "a run folder being compared");
    }
    let staging = Staging::new(&out, args.folder.force, "compare", &inputs)?;
    staging.fill(|dir| folder::write_comparison(&cmp, dir, &[]))?;
    let target = staging.commit()?;
    plan::close(&target, args.quiet, started, |report, seconds| {
        plan::table_text(&cmp.table(report, crate::sys::terminal_width()), seconds)
    });
    Ok(ExitCode::SUCCESS)
}

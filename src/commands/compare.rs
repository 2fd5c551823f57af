//! `picsim compare`: the comparison of finished run folders.

use super::plan;
use crate::cli::CompareArgs;
use crate::experiments::compare;
use crate::experiments::folder;
use crate::report::Staging;
use crate::report::comparison::{Comparison, RunSummary};
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Reads the runs, checks that they can be compared, and writes the comparison.
pub(crate) fn compare(args: CompareArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let mut runs: Vec<RunSummary> = args
        .runs
        .iter()
        .map(|d| compare::read_run(d))
        .collect::<Result<_>>()?;
    compare::label_runs(&mut runs);
    for (r, dir) in runs.iter_mut().zip(&args.runs) {
        r.link = relative_link(&args.out, &dir.join("report.html"));
    }
    let cmp = Comparison {
        title: format!("Comparison of {} runs", runs.len()),
        description: runs
            .iter()
            .map(|r| r.label.clone())
            .collect::<Vec<_>>()
            .join(" · "),
        keys: Vec::new(),
        runs,
        key_dates: compare::key_dates_of(&args.runs[0]),
    };
    cmp.check_compatible()?;
    let staging = Staging::new(&args.out, args.force, "compare")?;
    staging.fill(|dir| folder::write_comparison(&cmp, dir, &[]))?;
    let target = staging.commit()?;
    plan::close(&target, args.quiet, started, |report, seconds| {
        plan::table_text(&cmp.table(report), seconds)
    });
    Ok(ExitCode::SUCCESS)
}

/// A relative link from the folder `from` (not yet created) to `to`, when both resolve.
fn relative_link(from: &Path, to: &Path) -> Option<String> {
    let abs = |p: &Path| -> Option<PathBuf> {
        let base = std::env::current_dir().ok()?;
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            base.join(p)
        };
        Some(p.components().fold(PathBuf::new(), |mut acc, c| {
            match c {
                std::path::Component::ParentDir => {
                    acc.pop();
                }
                std::path::Component::CurDir => {}
                other => acc.push(other),
            }
            acc
        }))
    };
    let (from, to) = (abs(from)?, abs(to)?);
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = from.components().count() - common;
    let mut rel = PathBuf::new();
    for _ in 0..ups {
        rel.push("..");
    }
    for c in to.components().skip(common) {
        rel.push(c);
    }
    Some(rel.display().to_string().replace('\\', "/"))
}

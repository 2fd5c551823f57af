//! `report.html` for a sweep, a comparison or a sensitivity analysis. Being written; placeholders.

use crate::compare::Comparison;
use crate::sweep::Sensitivity;
use anyhow::Result;
use std::path::{Path, PathBuf};

/// The report of a sweep or comparison: the runs and their values, the headline figures per run,
/// the comparison charts (embedded), links to `compare.csv`, `runs.csv` and each run's report.
pub fn write_comparison(
    cmp: &Comparison,
    charts: &[(String, PathBuf)],
    files: &[&str],
    path: &Path,
) -> Result<()> {
    let _ = (cmp, charts, files);
    std::fs::write(path, "<!doctype html><title>comparison</title>")?;
    Ok(())
}

/// The report of a sensitivity analysis: the parameters with their low and high values, the
/// tornado charts (embedded) and links to `sensitivity.csv`.
pub fn write_sensitivity(
    sens: &Sensitivity,
    charts: &[(String, PathBuf)],
    files: &[&str],
    path: &Path,
) -> Result<()> {
    let _ = (sens, charts, files);
    std::fs::write(path, "<!doctype html><title>sensitivity</title>")?;
    Ok(())
}

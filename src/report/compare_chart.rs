//! Charts that compare runs: `compare_<metric>.png` (one line and band per run) and
//! `tornado_<figure>.png` (a sensitivity analysis). Being written; placeholders for now.

use crate::compare::Comparison;
use crate::sweep::Sensitivity;
use anyhow::Result;
use std::path::Path;

/// Draws `metric` for every run of `cmp`: the mean line with its p05–p95 band, one colour per
/// run, the legend labelled with each run's label.
pub fn draw_compare(cmp: &Comparison, metric: &str, path: &Path) -> Result<()> {
    let _ = (cmp, metric, path);
    Ok(())
}

/// Draws the tornado chart of one figure: per parameter, a bar from the figure at its low value
/// to the figure at its high value, around the base value, largest swing on top.
pub fn draw_tornado(sens: &Sensitivity, figure: &str, path: &Path) -> Result<()> {
    let _ = (sens, figure, path);
    Ok(())
}

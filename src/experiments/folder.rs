//! Writing an experiment's folder, one function per output: each sweep run's own reports in
//! `run-NNN/`, the comparison (`compare.csv`, its charts, `report.html`), and a sensitivity
//! analysis's table, tornado charts and page. It only writes: what is written is built in
//! `super::sweep` and `super::compare`, and the commands wire the two together.

use super::sweep;
use crate::report::comparison::{Comparison, RunSummary};
use crate::report::sensitivity::{Sensitivity, figure_file};
use crate::report::{self, manifest::Invocation};
use crate::run::summary::RunResult;
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Writes sweep run `i`'s reports into its `run-NNN/` folder of `dir` (`point`: its swept
/// values), with `inv` in its manifest; returns the run's summary, linked to its report.
pub(crate) fn write_sweep_run(
    dir: &Path,
    i: usize,
    result: &RunResult,
    point: &[toml::Value],
    keys: &[String],
    inv: &Invocation,
    options: &report::Options,
) -> Result<RunSummary> {
    let id = report::files::run_id(i);
    let run_dir = dir.join(&id);
    std::fs::create_dir(&run_dir)
        .with_context(|| format!("could not create '{}'", run_dir.display()))?;
    report::write_all(result, inv, &run_dir, options)?;
    let values = point.iter().map(sweep::value_text).collect();
    Ok(RunSummary::from_result(
        &id,
        &sweep::point_label(keys, point),
        values,
        result,
        Some(format!("{id}/report.html")),
    ))
}

/// Writes a comparison's files into `dir`: `compare.csv`, `compare_<metric>.png`, `report.html`
/// (which also lists `extra_files`).
pub(crate) fn write_comparison(cmp: &Comparison, dir: &Path, extra_files: &[&str]) -> Result<()> {
    cmp.write_csv(&dir.join("compare.csv"))?;
    let charts: Vec<(String, PathBuf)> = cmp
        .chart_metrics()
        .iter()
        .map(|m| (m.to_string(), dir.join(format!("compare_{m}.png"))))
        .collect();
    charts
        .par_iter()
        .map(|(m, p)| report::chart::comparison::draw(cmp, m, p))
        .collect::<Result<Vec<()>>>()?;
    let mut files = vec!["compare.csv"];
    files.extend_from_slice(extra_files);
    report::page::comparison::write(cmp, &charts, &files, &dir.join("report.html"))
}

/// Writes a sensitivity analysis's files into `dir`: `sensitivity.csv`, a tornado chart per
/// headline figure, `report.html`.
pub(crate) fn write_sensitivity(sens: &Sensitivity, dir: &Path) -> Result<()> {
    sens.write_csv(&dir.join("sensitivity.csv"))?;
    let charts: Vec<(String, PathBuf)> = sens
        .figures()
        .into_iter()
        .map(|(f, _)| {
            let path = dir.join(figure_file(&f));
            (f, path)
        })
        .collect();
    charts
        .par_iter()
        .map(|(f, p)| report::chart::tornado::draw(sens, f, p))
        .collect::<Result<Vec<()>>>()?;
    report::page::sensitivity::write(
        sens,
        &charts,
        &["sensitivity.csv"],
        &dir.join("report.html"),
    )
}

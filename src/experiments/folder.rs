//! Writing an experiment's folder, one function per output: each sweep run's own reports in
//! `run-NNN/`, the comparison (`compare.csv`, its charts, `report.html`), and a sensitivity
//! analysis's table, tornado charts and page. It only writes: what is written is built in
//! `super::sweep` and `super::compare`, and the commands wire the two together.

use super::sweep;
use crate::report::comparison::{CompareChart, Comparison, RunSummary};
use crate::report::sensitivity::{Sensitivity, figure_file};
use crate::report::staging::{KEPT, write_atomically};
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
    // Written aside and moved into place whole, so an interrupted sweep keeps whole runs only.
    let aside = dir.join(format!(".tmp-{id}"));
    let run_dir = dir.join(&id);
    std::fs::create_dir(&aside)
        .with_context(|| format!("could not create '{}'", run_dir.display()))?;
    report::write_all(result, inv, &aside, options)?;
    std::fs::rename(&aside, &run_dir)
        .with_context(|| format!("could not create '{}'", run_dir.display()))?;
    let values = point.iter().map(super::label::value_text).collect();
    Ok(RunSummary::from_result(
        &id,
        &sweep::point_label(keys, point),
        values,
        result,
        Some(format!("{id}/report.html")),
    ))
}

/// The runs of `runs` an unfinished experiment's folder `dir` finished: per run, its summary
/// (kept in `.finished/`), and for a sweep (`folders`) only with its whole `run-NNN/` folder.
/// Whatever a killed process left half written is removed, so the run is done again.
pub(crate) fn finished_runs(
    dir: &Path,
    runs: usize,
    folders: bool,
) -> Result<Vec<Option<RunSummary>>> {
    let kept = dir.join(KEPT);
    for entry in
        std::fs::read_dir(dir).with_context(|| format!("cannot read '{}'", dir.display()))?
    {
        let path = entry?.path();
        if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with(".tmp-"))
        {
            std::fs::remove_dir_all(&path)
                .with_context(|| format!("could not remove '{}'", path.display()))?;
        }
    }
    (0..runs)
        .map(|i| {
            let id = report::files::run_id(i);
            let file = kept.join(format!("{id}.json"));
            let run_dir = dir.join(&id);
            let summary = match std::fs::read_to_string(&file) {
                Ok(text) if !folders || run_dir.is_dir() => {
                    Some(serde_json::from_str::<RunSummary>(&text).with_context(|| {
                        format!("'{}' is not a finished run's summary", file.display())
                    })?)
                }
                _ => None,
            };
            if summary.is_none() && run_dir.exists() {
                std::fs::remove_dir_all(&run_dir)
                    .with_context(|| format!("could not remove '{}'", run_dir.display()))?;
            }
            Ok(summary)
        })
        .collect()
}

/// Records run `i` of an experiment in `dir` as finished, with its summary (after its folder,
/// if it has one, is complete).
pub(crate) fn keep_finished(dir: &Path, i: usize, summary: &RunSummary) -> Result<()> {
    let file = dir
        .join(KEPT)
        .join(format!("{}.json", report::files::run_id(i)));
    write_atomically(&file, &serde_json::to_string(summary)?)
}

/// Writes a comparison's files into `dir`: `compare.csv`, `compare_<metric>.png` and
/// `compare_<metric>_difference.png`, `report.html` (which also lists `extra_files`).
pub(crate) fn write_comparison(cmp: &Comparison, dir: &Path, extra_files: &[&str]) -> Result<()> {
    cmp.write_csv(&dir.join("compare.csv"))?;
    let charts: Vec<(CompareChart, PathBuf)> = cmp
        .charts()
        .into_iter()
        .map(|c| (c, dir.join(c.file_name())))
        .collect();
    charts
        .par_iter()
        .map(|(c, p)| report::chart::comparison::draw(cmp, *c, p))
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

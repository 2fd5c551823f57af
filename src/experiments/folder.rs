//! Writing an experiment's folder, one function per output: each sweep run's own reports in
//! `run-NNN/`, the comparison (`compare.csv`, its charts, `report.html`), and a sensitivity
//! analysis's table, tornado charts and page. It only writes: what is written is built in
//! `super::sweep` and `super::compare`, and the commands wire the two together.

use super::sweep;
use crate::experiments::compare::result::{CompareChart, Comparison, RunSummary};
use crate::experiments::sensitivity::result::{Sensitivity, figure_file};
use crate::output::sealed::{seal, unseal};
use crate::output::staging::{KEPT, write_atomically};
use crate::run::report::{self, manifest::Invocation};
use crate::run::summary::RunResult;
use anyhow::{Context, Result, bail};
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
    let id = crate::output::files::run_id(i);
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

/// The runs an unfinished experiment's folder `dir` finished, of the runs `expected` describes
/// (each run's summary as [`expected_run`] makes it, without its numbers): per run, its summary
/// (kept in `.finished/`), and for a sweep (`folders`) only with its whole `run-NNN/` folder.
/// Whatever a killed process left half written is removed, so the run is done again. A kept
/// summary that is damaged (its digest: `crate::output::sealed`) or not the run's (another id,
/// label, values, days, columns or number of replications, or summaries of another size) is
/// refused, never resumed into a different comparison.
pub(crate) fn finished_runs(
    dir: &Path,
    expected: &[RunSummary],
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
    expected
        .iter()
        .enumerate()
        .map(|(i, run)| {
            let id = crate::output::files::run_id(i);
            let file = kept.join(format!("{id}.json"));
            let run_dir = dir.join(&id);
            let summary = if !folders || run_dir.is_dir() {
                read_finished(&file, run)?
            } else {
                None
            };
            if summary.is_none() && run_dir.exists() {
                std::fs::remove_dir_all(&run_dir)
                    .with_context(|| format!("could not remove '{}'", run_dir.display()))?;
            }
            Ok(summary)
        })
        .collect()
}

/// Run `i`'s summary as a finished run of `s` makes it, without its numbers (`summary` and
/// `headlines` empty): what a kept summary must match. `label` and `values` as the experiment
/// gives them; `link` for a sweep's run, which has its own folder.
pub(crate) fn expected_run(
    s: &crate::scenario::Scenario,
    i: usize,
    label: String,
    values: Vec<String>,
    link: bool,
) -> RunSummary {
    let id = crate::output::files::run_id(i);
    let cal = s.calendar();
    RunSummary {
        link: link.then(|| format!("{id}/report.html")),
        id,
        label,
        values,
        dates: s.report_days().iter().map(|&d| cal.date(d)).collect(),
        columns: crate::engine::Columns::new(s).names,
        summary: Vec::new(),
        headlines: Vec::new(),
        replications: s.replications,
    }
}

/// The summary kept in `file` (`None` when there is none), checked against `expected`.
fn read_finished(file: &Path, expected: &RunSummary) -> Result<Option<RunSummary>> {
    let name = file.display();
    let cells = (expected.dates.len() * expected.columns.len()) as u64;
    let most = (64 << 10) + cells * 512;
    let bytes = match std::fs::metadata(file) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("could not read '{name}'")),
        Ok(m) if !m.is_file() || m.len() > most => {
            bail!(
                "{name}: not a finished run's summary picsim wrote (not a file of its size); start afresh with --force (without --resume)"
            )
        }
        Ok(_) => std::fs::read(file).with_context(|| format!("could not read '{name}'"))?,
    };
    let refuse = |at: String, problem: String| {
        anyhow::anyhow!(
            "{name}:{at}: {problem}; not resuming it: start afresh with --force (without --resume)"
        )
    };
    unseal(&bytes).map_err(|e| refuse("1: sha256".into(), e.to_string()))?;
    let sealed: Sealed = serde_json::from_slice(&bytes).map_err(|e| {
        let at = format!("{}:{}", e.line(), e.column());
        refuse(at, "not a finished run's summary picsim wrote".into())
    })?;
    let got = sealed.summary;
    let field = |name: &str, same: bool| {
        if same {
            Ok(())
        } else {
            Err(refuse(format!("2: {name}"), "not this run's".into()))
        }
    };
    field("id", got.id == expected.id)?;
    field("label", got.label == expected.label)?;
    field("values", got.values == expected.values)?;
    field("dates", got.dates == expected.dates)?;
    field("columns", got.columns == expected.columns)?;
    field("link", got.link == expected.link)?;
    field("replications", got.replications == expected.replications)?;
    field("summary", got.summary.len() as u64 == cells)?;
    Ok(Some(got))
}

/// A kept summary as a whole: its digest and the summary.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Sealed {
    #[serde(rename = "sha256")]
    _sha256: String,
    summary: RunSummary,
}

/// Records run `i` of an experiment in `dir` as finished, with its summary (after its folder,
/// if it has one, is complete), sealed.
pub(crate) fn keep_finished(dir: &Path, i: usize, summary: &RunSummary) -> Result<()> {
    let file = dir
        .join(KEPT)
        .join(format!("{}.json", crate::output::files::run_id(i)));
    let mut members = b"\"summary\":".to_vec();
    members.extend(serde_json::to_vec(summary)?);
    members.push(b'}');
    // serde_json writes UTF-8, and the seal adds ASCII.
    write_atomically(&file, &String::from_utf8_lossy(&seal(&members)))
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
        .map(|(c, p)| super::compare::chart::draw(cmp, *c, p))
        .collect::<Result<Vec<()>>>()?;
    let mut files = vec!["compare.csv"];
    files.extend_from_slice(extra_files);
    super::compare::page::write(cmp, &charts, &files, &dir.join("report.html"))
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
        .map(|(f, p)| super::sensitivity::chart::draw(sens, f, p))
        .collect::<Result<Vec<()>>>()?;
    super::sensitivity::page::write(
        sens,
        &charts,
        &["sensitivity.csv"],
        &dir.join("report.html"),
    )
}

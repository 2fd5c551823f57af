//! `picsim sweep` and `picsim sensitivity`: many variants of one scenario, run together and
//! written as one folder with a comparison at the top.

use super::plan::{self, Plan, Writer};
use crate::cli::{SensitivityArgs, SweepArgs};
use crate::comm::Comm;
use crate::experiments::{folder, sweep};
use crate::report;
use crate::report::comparison::RunSummary;
use crate::run::summary::RunResult;
use crate::scenario::validate::count;
use anyhow::{Context as _, Result, anyhow};
use std::process::ExitCode;

/// Runs every point of the sweep's grid, each run's reports in `run-NNN/`, and the comparison.
pub(crate) fn sweep(args: SweepArgs, comm: &dyn Comm) -> Result<ExitCode> {
    let loaded = plan::load(&args.scenario, &args.scenario_args, None)?;
    let scenario = loaded.scenario.clone();
    let axes = sweep::axes(&scenario, &args.vary);
    if axes.is_empty() {
        return Err(anyhow!(
            "nothing to sweep: give --vary KEY=V1,V2,… or a [sweep] table in the scenario"
        ));
    }
    let keys: Vec<String> = axes.iter().map(|a| a.key.clone()).collect();
    let (points, scenarios) =
        sweep::sweep_scenarios(&args.scenario, &loaded.overrides, &scenario, &axes)?;
    let out = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| report::files::experiment_dir(&scenario.name, "sweep"));
    let labels = points
        .iter()
        .map(|p| sweep::point_label(&keys, p))
        .collect();
    let record = record("sweep", &loaded, labels, &scenarios)?;
    // What each run's kept summary must match when resumed.
    let expected: Vec<RunSummary> = scenarios
        .iter()
        .zip(&points)
        .enumerate()
        .map(|(i, (s, point))| {
            let label = sweep::point_label(&keys, point);
            let values = point.iter().map(crate::experiments::label::value_text);
            folder::expected_run(s, i, label, values.collect(), true)
        })
        .collect();
    let resumable = (&record, args.resume);
    let plan = Plan::resolve_resumable(
        loaded,
        scenarios,
        &out,
        &args.output,
        comm,
        "sweep",
        resumable,
    )?;
    let label = format!(
        "{} sweep of {}",
        scenario.name,
        count(points.len() as u64, "run", "runs")
    );
    let n = points.len();
    let (done, kept) = plan.kept(comm, |dir| folder::finished_runs(dir, &expected, true))?;
    // Each run's folder is written as soon as its replications are done, and the run recorded
    // as finished; only its summary stays.
    let mut runs: Vec<Option<RunSummary>> = if kept.is_empty() { vec![None; n] } else { kept };
    let mut each = |i: usize, result: RunResult, w: &Writer| {
        let inv = w.invocation();
        let summary = w.staging.fill(|dir| {
            let summary =
                folder::write_sweep_run(dir, i, &result, &points[i], &keys, &inv, w.options)?;
            folder::keep_finished(dir, i, &summary)?;
            Ok(summary)
        })?;
        runs[i] = Some(summary);
        Ok(())
    };
    let selected: Vec<bool> = done.iter().map(|d| !d).collect();
    let Some(finished) = plan.stream(comm, &label, &selected, &mut each)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let runs: Vec<RunSummary> = runs
        .into_iter()
        .collect::<Option<_>>()
        .context("a sweep run did not finish")?;
    let cmp = sweep::sweep_comparison(&scenario, &keys, runs);
    finished.staging.fill(|dir| {
        sweep::write_runs_csv(&keys, &points, &dir.join("runs.csv"))?;
        folder::write_comparison(&cmp, dir, &["runs.csv"])
    })?;
    finished.close(|report, seconds| {
        plan::table_text(&cmp.table(report, crate::sys::terminal_width()), seconds)
    })
}

/// Runs the base and each `[sensitivity]` key at its low and high value, and writes the table
/// and tornado charts.
pub(crate) fn sensitivity(args: SensitivityArgs, comm: &dyn Comm) -> Result<ExitCode> {
    let loaded = plan::load(&args.scenario, &args.scenario_args, None)?;
    let scenario = loaded.scenario.clone();
    if scenario.sensitivity.is_empty() {
        return Err(anyhow!(
            "{} has no [sensitivity] table (key path = [low, high], or {{ low = …, high = …, label = \"…\" }})",
            args.scenario.display()
        ));
    }
    let variants = sweep::sensitivity_scenarios(&args.scenario, &loaded.overrides, &scenario)?;
    let mut scenarios = vec![scenario.clone()];
    scenarios.extend(variants);
    let out = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| report::files::experiment_dir(&scenario.name, "sensitivity"));
    let label = format!("{} sensitivity ({} runs)", scenario.name, scenarios.len());
    let runs = scenarios.len();
    let labels = (0..runs)
        .map(|i| sweep::sensitivity_run(&scenario, i).0)
        .collect();
    let record = record("sensitivity", &loaded, labels, &scenarios)?;
    // What each run's kept summary must match when resumed.
    let expected: Vec<RunSummary> = scenarios
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let (id, label) = sweep::sensitivity_run(&scenario, i);
            RunSummary {
                id,
                ..folder::expected_run(s, i, label, Vec::new(), false)
            }
        })
        .collect();
    let resumable = (&record, args.resume);
    let plan = Plan::resolve_resumable(
        loaded,
        scenarios,
        &out,
        &args.output,
        comm,
        "sensitivity",
        resumable,
    )?;
    let (done, kept) = plan.kept(comm, |dir| folder::finished_runs(dir, &expected, false))?;
    // The tornado needs only each run's summary: nothing else of a run is kept or written (in
    // the unfinished folder, the summary alone, for --resume).
    let mut summaries: Vec<Option<RunSummary>> = if kept.is_empty() {
        vec![None; runs]
    } else {
        kept
    };
    let mut each = |i: usize, result: RunResult, w: &Writer| {
        let summary = sweep::sensitivity_summary(&scenario, i, &result);
        w.staging
            .fill(|dir| folder::keep_finished(dir, i, &summary))?;
        summaries[i] = Some(summary);
        Ok(())
    };
    let selected: Vec<bool> = done.iter().map(|d| !d).collect();
    let Some(finished) = plan.stream(comm, &label, &selected, &mut each)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let summaries: Vec<RunSummary> = summaries
        .into_iter()
        .collect::<Option<_>>()
        .context("a sensitivity run did not finish")?;
    let sens = sweep::sensitivity_of(&scenario, summaries)?;
    finished
        .staging
        .fill(|dir| folder::write_sensitivity(&sens, dir))?;
    finished.close(|report, seconds| {
        plan::table_text(&sens.table(report, crate::sys::terminal_width()), seconds)
    })
}

/// What an experiment is, as its unfinished folder records it for `--resume`: the command, the
/// scenario file's SHA-256, the command line's overrides, and per run its label and the SHA-256
/// of its effective scenario (every key after overrides).
fn record(
    command: &str,
    loaded: &plan::Loaded,
    labels: Vec<String>,
    scenarios: &[crate::scenario::Scenario],
) -> Result<serde_json::Value> {
    let path = loaded.path;
    let bytes =
        std::fs::read(path).with_context(|| format!("could not read '{}'", path.display()))?;
    let runs = scenarios
        .iter()
        .zip(labels)
        .map(|(s, label)| {
            let effective = toml::to_string(&s.effective)?;
            Ok(serde_json::json!({
                "label": label,
                "effective_sha256": report::manifest::sha256_hex(effective.as_bytes()),
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(serde_json::json!({
        "command": command,
        "scenario_sha256": report::manifest::sha256_hex(&bytes),
        "overrides": loaded.overrides.iter().map(|o| o.text.clone()).collect::<Vec<_>>(),
        "runs": runs,
    }))
}

//! `picsim sweep` and `picsim sensitivity`: many variants of one scenario, run together and
//! written as one folder with a comparison at the top.

use super::plan::{self, Plan, Writer};
use crate::cli::{SensitivityArgs, SweepArgs};
use crate::comm::Comm;
use crate::experiments::{folder, sweep};
use crate::report;
use crate::report::comparison::RunSummary;
use crate::run::summary::RunResult;
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
    let plan = Plan::resolve(loaded, scenarios, &out, &args.output, comm, "sweep")?;
    let label = format!("{} sweep of {} runs", scenario.name, points.len());
    // Each run's folder is written as soon as its replications are done; only its summary stays.
    let mut runs: Vec<Option<RunSummary>> = vec![None; points.len()];
    let mut each = |i: usize, result: RunResult, w: &Writer| {
        let inv = w.invocation();
        let summary = w.staging.fill(|dir| {
            folder::write_sweep_run(dir, i, &result, &points[i], &keys, &inv, w.options)
        })?;
        runs[i] = Some(summary);
        Ok(())
    };
    let selected = vec![true; points.len()];
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
    finished.close(|report, seconds| plan::table_text(&cmp.table(report), seconds))
}

/// Runs the base and each `[sensitivity]` key at its low and high value, and writes the table
/// and tornado charts.
pub(crate) fn sensitivity(args: SensitivityArgs, comm: &dyn Comm) -> Result<ExitCode> {
    let loaded = plan::load(&args.scenario, &args.scenario_args, None)?;
    let scenario = loaded.scenario.clone();
    if scenario.sensitivity.is_empty() {
        return Err(anyhow!(
            "{} has no [sensitivity] table (key path = [low, high])",
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
    let plan = Plan::resolve(loaded, scenarios, &out, &args.output, comm, "sensitivity")?;
    // The tornado needs only each run's summary: nothing else of a run is kept or written.
    let mut summaries: Vec<Option<RunSummary>> = vec![None; runs];
    let mut each = |i: usize, result: RunResult, _: &Writer| {
        summaries[i] = Some(sweep::sensitivity_summary(&scenario, i, &result));
        Ok(())
    };
    let selected = vec![true; runs];
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
    finished.close(|report, seconds| plan::table_text(&sens.table(report), seconds))
}

//! `picsim sweep` and `picsim sensitivity`: many variants of one scenario, run together and
//! written as one folder with a comparison at the top.

use super::plan::{self, Plan};
use crate::cli::{SensitivityArgs, SweepArgs};
use crate::comm::Comm;
use crate::experiments::{folder, sweep};
use crate::report;
use anyhow::{Result, anyhow};
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
    let Some(finished) = plan.run(comm, &label)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let inv = finished.invocation()?;
    let cmp = finished.staging.fill(|dir| {
        let runs = folder::write_sweep_runs(
            dir,
            &finished.results,
            &points,
            &keys,
            &inv,
            &finished.options,
        )?;
        let cmp = sweep::sweep_comparison(&scenario, &keys, runs);
        sweep::write_runs_csv(&keys, &points, &dir.join("runs.csv"))?;
        folder::write_comparison(&cmp, dir, &["runs.csv"])?;
        Ok(cmp)
    })?;
    drop(inv);
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
    let plan = Plan::resolve(loaded, scenarios, &out, &args.output, comm, "sensitivity")?;
    let Some(finished) = plan.run(comm, &label)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let sens = sweep::sensitivity_of(&scenario, &finished.results);
    finished
        .staging
        .fill(|dir| folder::write_sensitivity(&sens, dir))?;
    finished.close(|report, seconds| plan::table_text(&sens.table(report), seconds))
}

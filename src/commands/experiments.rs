//! `picsim sweep` and `picsim sensitivity`: many variants of one scenario, run together and
//! written as one folder with a comparison at the top.

use super::plan::{self, Finished, Output, Plan, Target};
use crate::cli::{OutputArgs, SensitivityArgs, SweepArgs};
use crate::comm::Comm;
use crate::experiments::compare::result::RunSummary;
use crate::experiments::sensitivity::variants;
use crate::experiments::{folder, sweep};
use crate::run::summary::RunResult;
use crate::scenario::Scenario;
use crate::scenario::validate::count;
use anyhow::{Context as _, Result, anyhow};
use std::process::ExitCode;

/// Runs every point of the sweep's grid, each run's reports in `run-NNN/`, and the comparison.
pub(crate) fn sweep(args: SweepArgs, comm: &dyn Comm) -> Result<ExitCode> {
    let loaded = plan::load(&args.scenario, &args.scenario_args, None)?;
    let scenario = &loaded.scenario;
    let axes = sweep::axes(scenario, &args.vary);
    if axes.is_empty() {
        return Err(anyhow!(
            "nothing to sweep: give --vary KEY=V1,V2,… or a [sweep] table in the scenario"
        ));
    }
    let keys: Vec<String> = axes.iter().map(|a| a.key.clone()).collect();
    let (points, scenarios) =
        sweep::sweep_scenarios(&args.scenario, &loaded.overrides, scenario, &axes)?;
    let labels: Vec<String> = points
        .iter()
        .map(|p| sweep::point_label(&keys, p))
        .collect();
    let expected = scenarios
        .iter()
        .zip(&points)
        .zip(&labels)
        .enumerate()
        .map(|(i, ((s, point), label))| {
            let values = point.iter().map(crate::experiments::label::value_text);
            folder::expected_run(s, i, label.clone(), values.collect(), true)
        })
        .collect();
    let progress = format!(
        "{} sweep of {}",
        scenario.name,
        count(points.len() as u64, "run", "runs")
    );
    let experiment = Experiment {
        command: "sweep",
        runs: Runs {
            scenarios,
            names: labels,
            expected,
            folders: true,
        },
        output: (&args.output, args.resume),
        progress,
    };
    // Each run's folder is written as soon as its replications are done, and the run recorded
    // as finished; only its summary stays.
    let each = |i: usize, result: RunResult, w: &Output| {
        let inv = w.invocation();
        w.staging.fill(|dir| {
            let summary =
                folder::write_sweep_run(dir, i, &result, &points[i], &keys, &inv, w.options)?;
            folder::keep_finished(dir, i, &summary)?;
            Ok(summary)
        })
    };
    let Some((finished, runs)) = experiment.run(&loaded, comm, each)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let cmp = sweep::sweep_comparison(scenario, &keys, runs);
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
    let scenario = &loaded.scenario;
    if scenario.sensitivity.is_empty() {
        return Err(anyhow!(
            "{} has no [sensitivity] table (key path = [low, high], or {{ low = …, high = …, label = \"…\" }})",
            args.scenario.display()
        ));
    }
    let variants = variants::sensitivity_scenarios(&args.scenario, &loaded.overrides, scenario)?;
    let mut scenarios = vec![scenario.clone()];
    scenarios.extend(variants);
    let progress = format!("{} sensitivity ({} runs)", scenario.name, scenarios.len());
    let (ids, labels): (Vec<String>, Vec<String>) = (0..scenarios.len())
        .map(|i| variants::sensitivity_run(scenario, i))
        .unzip();
    let expected = scenarios
        .iter()
        .zip(ids.iter().zip(labels))
        .enumerate()
        .map(|(i, (s, (id, label)))| RunSummary {
            id: id.clone(),
            ..folder::expected_run(s, i, label, Vec::new(), false)
        })
        .collect();
    let experiment = Experiment {
        command: "sensitivity",
        runs: Runs {
            scenarios,
            names: ids,
            expected,
            folders: false,
        },
        output: (&args.output, args.resume),
        progress,
    };
    // The tornado needs only each run's summary: nothing else of a run is kept or written (in
    // the unfinished folder, the summary alone, for --resume).
    let each = |i: usize, result: RunResult, w: &Output| {
        let summary = variants::sensitivity_summary(scenario, i, &result);
        w.staging
            .fill(|dir| folder::keep_finished(dir, i, &summary))?;
        Ok(summary)
    };
    let Some((finished, summaries)) = experiment.run(&loaded, comm, each)? else {
        return Ok(ExitCode::SUCCESS);
    };
    let sens = variants::sensitivity_of(scenario, summaries)?;
    finished
        .staging
        .fill(|dir| folder::write_sensitivity(&sens, dir))?;
    finished.close(|report, seconds| {
        plan::table_text(&sens.table(report, crate::sys::terminal_width()), seconds)
    })
}

/// An experiment's runs, in output order.
struct Runs {
    /// Each run's scenario.
    scenarios: Vec<Scenario>,
    /// Each run's name in the folder's record (a sweep's point label, a sensitivity run's id).
    names: Vec<String>,
    /// What each run's kept summary must match when resumed.
    expected: Vec<RunSummary>,
    /// Whether each run has a folder of its own (a sweep's `run-NNN/`).
    folders: bool,
}

/// What sweep and sensitivity share: many runs into one folder that can be resumed, each run's
/// summary kept as it ends.
struct Experiment<'o> {
    /// The command, as the folder's marker and record name it.
    command: &'static str,
    /// The runs.
    runs: Runs,
    /// The command's output settings and whether `--resume` was given.
    output: (&'o OutputArgs, bool),
    /// The progress bar's label.
    progress: String,
}

impl Experiment<'_> {
    /// Runs every run that an earlier attempt did not finish, handing each to `each` as its
    /// replications end (`each` writes what the run keeps and returns its summary). Returns the
    /// folder to finish with every run's summary in order, or `None` on the ranks that do not
    /// write.
    fn run<'a>(
        self,
        loaded: &'a plan::Loaded<'a>,
        comm: &dyn Comm,
        mut each: impl FnMut(usize, RunResult, &Output) -> Result<RunSummary>,
    ) -> Result<Option<(Finished<'a>, Vec<RunSummary>)>> {
        let Runs {
            scenarios,
            names,
            expected,
            folders,
        } = self.runs;
        let (output, resume) = self.output;
        let default_out =
            || crate::output::files::experiment_dir(&loaded.scenario.name, self.command);
        let out = output.out.clone().unwrap_or_else(default_out);
        let record = record(self.command, loaded, names, &scenarios)?;
        let n = scenarios.len();
        let target = Target::new(&out, output, self.command).resumable(&record, resume);
        let plan = Plan::resolve(loaded, scenarios, target, comm)?;
        let (done, kept) = plan.kept(comm, |dir| folder::finished_runs(dir, &expected, folders))?;
        let mut summaries: Vec<Option<RunSummary>> =
            if kept.is_empty() { vec![None; n] } else { kept };
        let mut keep = |i: usize, result: RunResult, w: &Output| {
            summaries[i] = Some(each(i, result, w)?);
            Ok(())
        };
        let selected: Vec<bool> = done.iter().map(|d| !d).collect();
        let Some(finished) = plan.stream(comm, &self.progress, &selected, &mut keep)? else {
            return Ok(None);
        };
        let summaries = summaries
            .into_iter()
            .collect::<Option<_>>()
            .with_context(|| format!("a {} run did not finish", self.command))?;
        Ok(Some((finished, summaries)))
    }
}

/// What an experiment is, as its unfinished folder records it for `--resume`: the command, the
/// scenario file's SHA-256, the command line's overrides, and per run its label and the SHA-256
/// of its effective scenario (every key after overrides).
fn record(
    command: &str,
    loaded: &plan::Loaded,
    labels: Vec<String>,
    scenarios: &[Scenario],
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
                "effective_sha256": crate::output::manifest::sha256_hex(effective.as_bytes()),
            }))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(serde_json::json!({
        "command": command,
        "scenario_sha256": crate::output::manifest::sha256_hex(&bytes),
        "overrides": loaded.overrides.iter().map(|o| o.text.clone()).collect::<Vec<_>>(),
        "runs": runs,
    }))
}

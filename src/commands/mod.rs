//! The subcommands: load and validate, set up threads and the output folder, run, report.

use crate::cli::{
    Cli, Command, CompareArgs, OutputArgs, PopulationArgs, RunArgs, ScenarioArgs, SensitivityArgs,
    SweepArgs, ValidateArgs,
};
use crate::comm::Comm;
use crate::experiments::compare::{Comparison, RunSummary};
use crate::report::{self, Staging, manifest::Invocation};
use crate::scenario::KeyPath;
use crate::scenario::{Override, Scenario, load_file};
use anyhow::{Context, Result, anyhow};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    let comm = crate::comm::launch();
    let comm: &dyn Comm = &*comm;
    match cli.command {
        Command::Run(args) => run_scenario(args, comm),
        Command::Sweep(args) => sweep(args, comm),
        Command::Sensitivity(args) => sensitivity(args, comm),
        // The other commands are one process's work: in a distributed launch, rank 0 does it.
        _ if comm.rank() != 0 => Ok(ExitCode::SUCCESS),
        Command::Validate(args) => validate(args),
        Command::Population(args) => export_population(args),
        Command::Compare(args) => compare(args),
    }
}

/// The output folder of `command`, prepared on rank 0 only; every rank learns whether that
/// worked, so that all stop together when it did not.
fn prepare_output(
    comm: &dyn Comm,
    dir: &Path,
    force: bool,
    command: &'static str,
) -> Result<Option<Staging>> {
    let staging = if comm.rank() == 0 {
        Some(Staging::new(dir, force, command))
    } else {
        None
    };
    let failed = staging.as_ref().is_some_and(Result::is_err);
    if comm.any(failed) {
        return match staging {
            Some(Err(e)) => Err(e),
            _ => Err(anyhow!("rank 0 could not prepare the output folder")),
        };
    }
    staging.transpose()
}

/// The overrides given on the command line, in the order they apply.
pub fn overrides(args: &ScenarioArgs, out: Option<&Path>) -> Result<Vec<Override>> {
    let key = |k: &str| KeyPath::parse(k).map_err(|e| anyhow!(e));
    let mut list = args.set.clone();
    if let Some(r) = args.replications {
        list.push(Override::new(
            key("scenario.replications")?,
            toml::Value::Integer(i64::from(r)),
            format!("--replications {r}"),
        ));
    }
    if let Some(seed) = args.seed {
        let value =
            i64::try_from(seed).map_err(|_| anyhow!("--seed must be at most {}", i64::MAX))?;
        list.push(Override::new(
            key("scenario.seed")?,
            toml::Value::Integer(value),
            format!("--seed {seed}"),
        ));
    }
    if let Some(dir) = out {
        let text = dir.display().to_string();
        list.push(Override::new(
            key("output.dir")?,
            toml::Value::String(text.clone()),
            format!("--out {text}"),
        ));
    }
    Ok(list)
}

/// Loads a scenario with overrides, or an error listing every problem.
pub fn load(path: &Path, overrides: &[Override]) -> Result<Scenario> {
    load_file(path, overrides).map_err(|e| anyhow!("{e}"))
}

fn validate(args: ValidateArgs) -> Result<ExitCode> {
    let overrides = overrides(&args.scenario_args, None)?;
    let mut ok = true;
    for file in &args.files {
        match load_file(file, &overrides)
            .map_err(|e| anyhow!("{e}"))
            .and_then(|s| {
                report::check_creatable(&s.output.dir)
                    .map_err(|e| anyhow!("{}: output.dir: {e:#}", s.output.dir_origin))?;
                check_experiments(file, &overrides, &s)?;
                Ok(s)
            }) {
            Ok(s) => {
                if let Some(list) = s
                    .population
                    .import
                    .as_ref()
                    .filter(|l| !l.rejected.is_empty())
                {
                    eprintln!("warning: {}", rejected_message(list));
                }
                let orgs = match &s.population.import {
                    Some(list) => format!("{} imported contact rows", list.rows.len()),
                    None => format!("{} organisations", s.orgs.count),
                };
                println!(
                    "{}: valid ({} networks, {} providers, {} migrations, {orgs})",
                    file.display(),
                    s.networks.len(),
                    s.providers.len(),
                    s.migrations.len(),
                );
            }
            Err(e) => {
                ok = false;
                eprintln!("{e}");
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Sets rayon's global pool to `threads` workers (all cores by default) and returns how many it
/// has. The global pool, not a scoped one, so that the calling (main) thread stays the one that
/// communicates with other ranks while the workers compute, as MPI's funneled mode requires.
pub fn worker_threads(threads: Option<usize>) -> Result<usize> {
    let n = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if n == 0 {
        return Err(anyhow!("--threads must be 1 or more"));
    }
    // Once per process; a second command in the same process keeps the first one's pool.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global();
    Ok(rayon::current_num_threads())
}

/// A progress bar on the terminal (hidden when stderr is not one, or when quiet).
pub fn progress_bar(len: u64, quiet: bool, what: &str) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template(
        "{prefix} [{elapsed_precise}] {wide_bar} {percent:>3}% {msg} (eta {eta})",
    )
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_prefix(what.to_string());
    bar
}

/// Estimates the peak memory of running `scenarios` together (the largest replication, as many
/// at a time as threads, plus every run's results) and refuses when it exceeds the limit (by
/// default the memory available now). Returns the estimate in bytes.
fn memory_guard(
    scenarios: &[Scenario],
    threads: usize,
    ranks: usize,
    args: &crate::cli::MemoryArgs,
) -> Result<f64> {
    let Some(estimate) = crate::run::memory::guard_estimate(scenarios, threads, ranks) else {
        return Ok(0.0);
    };
    // Users, entries and persons are numbered with 32-bit ids: a world that could outgrow them is
    // refused whatever the memory (with a margin, since the sizes are expected values).
    for (what, n) in [
        ("users", estimate.users),
        ("contact-list entries", estimate.entries),
        ("persons", estimate.persons),
    ] {
        if n > 0.9 * f64::from(u32::MAX) {
            return Err(anyhow!(
                "this world has about {} {what} per replication; picsim numbers them with 32-bit ids, so at most about {} fit: lower orgs.count, orgs.users or population.contacts_per_user",
                report::thousands(n),
                report::thousands(0.9 * f64::from(u32::MAX))
            ));
        }
    }
    let limit = args
        .memory_limit
        .or_else(crate::sys::available_memory_bytes);
    if let Some(limit) = limit {
        if estimate.total > limit as f64 && !args.ignore_memory_limit {
            return Err(anyhow!(
                "{}",
                crate::run::memory::refusal(scenarios, &estimate, limit, threads, ranks)
            ));
        }
    }
    Ok(estimate.total)
}

/// Refuses an imported contact list with bad rows unless they may be skipped.
fn check_rows(s: &Scenario, skip_bad_rows: bool) -> Result<()> {
    match &s.population.import {
        Some(list) if !list.rejected.is_empty() && !skip_bad_rows => {
            Err(anyhow!("{}", rejected_message(list)))
        }
        _ => Ok(()),
    }
}

/// The checks and settings for a command's reports: an imported list's bad rows refused unless
/// skipped, then, on the rank that writes (`root`), how imported addresses will be written.
fn report_settings(s: &Scenario, output: &OutputArgs, root: bool) -> Result<report::Options> {
    check_rows(s, output.skip_bad_rows)?;
    if root {
        report_options(s, output.reveal_addresses)
    } else {
        Ok(report::Options::default())
    }
}

/// How imported addresses will be written: a fresh secret salt unless they are revealed.
fn report_options(s: &Scenario, reveal_addresses: bool) -> Result<report::Options> {
    Ok(report::Options {
        salt: match &s.population.import {
            Some(_) if !reveal_addresses => {
                Some(crate::scenario::import::fresh_salt().map_err(|e| anyhow!(e))?)
            }
            _ => None,
        },
        reveal_addresses,
    })
}

/// What the manifest records about the invocation.
fn invocation(scenario: &Path, started: Instant) -> Result<(Vec<u8>, f64)> {
    let bytes = std::fs::read(scenario)
        .with_context(|| format!("could not read '{}'", scenario.display()))?;
    Ok((bytes, started.elapsed().as_secs_f64()))
}

fn run_scenario(args: RunArgs, comm: &dyn Comm) -> Result<ExitCode> {
    let started = Instant::now();
    let overrides = overrides(&args.scenario_args, args.output.out.as_deref())?;
    let scenario = load(&args.scenario, &overrides)?;
    let root = comm.rank() == 0;
    let options = report_settings(&scenario, &args.output, root)?;
    let threads = worker_threads(args.output.threads)?;
    let estimate = memory_guard(
        std::slice::from_ref(&scenario),
        threads,
        comm.size(),
        &args.output.memory,
    )?;
    let staging = prepare_output(comm, &scenario.output.dir, args.output.force, "run")?;
    let bar = progress_bar(1000, args.output.quiet || !root, &scenario.name);
    let progress = |share: f64| bar.set_position((share * 1000.0) as u64);
    let results = crate::run::distributed::run_many(
        std::slice::from_ref(&scenario),
        threads,
        comm,
        &progress,
    )?;
    let ranks = crate::comm::rank_stats(comm);
    let (Some(mut results), Some(staging), Some(ranks)) = (results, staging, ranks) else {
        return Ok(ExitCode::SUCCESS);
    };
    let result = results.remove(0);
    bar.set_message("writing reports");
    let (bytes, wall) = invocation(&args.scenario, started)?;
    let inv = Invocation {
        scenario_path: Some(&args.scenario),
        scenario_sha256: Some(report::manifest::sha256_hex(&bytes)),
        command_line: std::env::args().collect(),
        wall_seconds: wall,
        memory_estimate: Some(estimate),
        ranks,
    };
    let headlines = staging.fill(|dir| report::write_all(&result, &inv, dir, &options))?;
    let target: PathBuf = staging.commit()?;
    bar.finish_and_clear();
    let report_path = target.join("report.html");
    if args.output.quiet {
        println!("{}", report_path.display());
    } else {
        print!(
            "{}",
            report::terminal::summary_text(
                &result,
                &headlines,
                &report_path,
                started.elapsed().as_secs_f64()
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes a comparison's files into `dir`: `compare.csv`, `compare_<metric>.png`, `report.html`.
fn write_comparison(cmp: &Comparison, dir: &Path, extra_files: &[&str]) -> Result<()> {
    use rayon::prelude::*;
    cmp.write_csv(&dir.join("compare.csv"))?;
    let charts: Vec<(String, PathBuf)> = cmp
        .chart_metrics()
        .iter()
        .map(|m| (m.to_string(), dir.join(format!("compare_{m}.png"))))
        .collect();
    charts
        .par_iter()
        .map(|(m, p)| report::compare_chart::draw_compare(cmp, m, p))
        .collect::<Result<Vec<()>>>()?;
    let mut files = vec!["compare.csv"];
    files.extend_from_slice(extra_files);
    report::compare_html::write_comparison(cmp, &charts, &files, &dir.join("report.html"))
}

/// What `sweep` and `sensitivity` would check before running, for `validate`: every `[sweep]` and
/// `[sensitivity]` key exists, every point of the sweep's grid gives a valid scenario, and so
/// does each sensitivity value set alone with everything else at base.
fn check_experiments(file: &Path, base: &[Override], s: &Scenario) -> Result<()> {
    let axes = crate::experiments::sweep::axes(s, &[]);
    crate::experiments::sweep::sweep_scenarios(file, base, s, &axes)
        .and_then(|_| crate::experiments::sweep::sensitivity_scenarios(file, base, s))
        .map(|_| ())
}

fn sweep(args: SweepArgs, comm: &dyn Comm) -> Result<ExitCode> {
    let started = Instant::now();
    let base = overrides(&args.scenario_args, None)?;
    let scenario = load(&args.scenario, &base)?;
    let axes = crate::experiments::sweep::axes(&scenario, &args.vary);
    if axes.is_empty() {
        return Err(anyhow!(
            "nothing to sweep: give --vary KEY=V1,V2,… or a [sweep] table in the scenario"
        ));
    }
    let keys: Vec<String> = axes.iter().map(|a| a.key.clone()).collect();
    let (points, scenarios) =
        crate::experiments::sweep::sweep_scenarios(&args.scenario, &base, &scenario, &axes)?;
    let root = comm.rank() == 0;
    let options = report_settings(&scenario, &args.output, root)?;
    let out = args
        .output
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(format!("{}-sweep", scenario.name)));
    let threads = worker_threads(args.output.threads)?;
    let estimate = memory_guard(&scenarios, threads, comm.size(), &args.output.memory)?;
    let staging = prepare_output(comm, &out, args.output.force, "sweep")?;
    let bar = progress_bar(
        1000,
        args.output.quiet || !root,
        &format!("{} sweep of {} runs", scenario.name, points.len()),
    );
    let progress = |share: f64| bar.set_position((share * 1000.0) as u64);
    let results = crate::run::distributed::run_many(&scenarios, threads, comm, &progress)?;
    let ranks = crate::comm::rank_stats(comm);
    let (Some(results), Some(staging), Some(ranks)) = (results, staging, ranks) else {
        return Ok(ExitCode::SUCCESS);
    };
    bar.set_message("writing reports");
    let (bytes, wall) = invocation(&args.scenario, started)?;
    let sha = report::manifest::sha256_hex(&bytes);
    let cmp = staging.fill(|dir| {
        let runs: Vec<RunSummary> = {
            use rayon::prelude::*;
            results
                .par_iter()
                .zip(points.par_iter())
                .enumerate()
                .map(|(i, (r, p))| -> Result<RunSummary> {
                    let id = format!("run-{:03}", i + 1);
                    let run_dir = dir.join(&id);
                    std::fs::create_dir(&run_dir)
                        .with_context(|| format!("could not create '{}'", run_dir.display()))?;
                    let inv = Invocation {
                        scenario_path: Some(&args.scenario),
                        scenario_sha256: Some(sha.clone()),
                        command_line: std::env::args().collect(),
                        wall_seconds: wall,
                        memory_estimate: Some(estimate),
                        ranks: ranks.clone(),
                    };
                    report::write_all(r, &inv, &run_dir, &options)?;
                    let values = p
                        .iter()
                        .map(crate::experiments::sweep::value_text)
                        .collect();
                    Ok(RunSummary::from_result(
                        &id,
                        &crate::experiments::sweep::point_label(&keys, p),
                        values,
                        r,
                        Some(format!("{id}/report.html")),
                    ))
                })
                .collect::<Result<Vec<_>>>()?
        };
        let cmp = Comparison {
            title: format!("{}: sweep of {} runs", scenario.name, runs.len()),
            description: format!("{} Swept: {}.", scenario.description, keys.join(", ")),
            keys: keys.clone(),
            runs,
            key_dates: scenario.key_dates(),
        };
        crate::experiments::sweep::write_runs_csv(&keys, &points, &dir.join("runs.csv"))?;
        write_comparison(&cmp, dir, &["runs.csv"])?;
        Ok(cmp)
    })?;
    let target = staging.commit()?;
    bar.finish_and_clear();
    finish_table(
        &cmp.table(&target.join("report.html")),
        &target,
        args.output.quiet,
        started,
    );
    Ok(ExitCode::SUCCESS)
}

fn finish_table(table: &str, target: &Path, quiet: bool, started: Instant) {
    if quiet {
        println!("{}", target.join("report.html").display());
    } else {
        println!("{table}({:.1} s)", started.elapsed().as_secs_f64());
    }
}

fn compare(args: CompareArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let mut runs: Vec<RunSummary> = args
        .runs
        .iter()
        .map(|d| crate::experiments::compare::read_run(d))
        .collect::<Result<_>>()?;
    crate::experiments::compare::label_runs(&mut runs);
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
        key_dates: crate::experiments::compare::key_dates_of(&args.runs[0]),
    };
    cmp.check_compatible()?;
    let staging = Staging::new(&args.out, args.force, "compare")?;
    staging.fill(|dir| write_comparison(&cmp, dir, &[]))?;
    let target = staging.commit()?;
    finish_table(
        &cmp.table(&target.join("report.html")),
        &target,
        args.quiet,
        started,
    );
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

fn sensitivity(args: SensitivityArgs, comm: &dyn Comm) -> Result<ExitCode> {
    let started = Instant::now();
    let base = overrides(&args.scenario_args, None)?;
    let scenario = load(&args.scenario, &base)?;
    if scenario.sensitivity.is_empty() {
        return Err(anyhow!(
            "{} has no [sensitivity] table (key path = [low, high])",
            args.scenario.display()
        ));
    }
    let variants =
        crate::experiments::sweep::sensitivity_scenarios(&args.scenario, &base, &scenario)?;
    check_rows(&scenario, args.output.skip_bad_rows)?;
    let mut scenarios = vec![scenario.clone()];
    scenarios.extend(variants);
    let out =
        args.output.out.clone().unwrap_or_else(|| {
            PathBuf::from("output").join(format!("{}-sensitivity", scenario.name))
        });
    let threads = worker_threads(args.output.threads)?;
    memory_guard(&scenarios, threads, comm.size(), &args.output.memory)?;
    let staging = prepare_output(comm, &out, args.output.force, "sensitivity")?;
    let label = format!("{} sensitivity ({} runs)", scenario.name, scenarios.len());
    let bar = progress_bar(1000, args.output.quiet || comm.rank() != 0, &label);
    let progress = |share: f64| bar.set_position((share * 1000.0) as u64);
    let results = crate::run::distributed::run_many(&scenarios, threads, comm, &progress)?;
    let (Some(results), Some(staging)) = (results, staging) else {
        return Ok(ExitCode::SUCCESS);
    };
    let summary = |i: usize, id: &str, label: &str| {
        RunSummary::from_result(id, label, Vec::new(), &results[i], None)
    };
    let sens = crate::experiments::sweep::Sensitivity {
        name: scenario.name.clone(),
        base: summary(0, "base", "base"),
        parameters: scenario
            .sensitivity
            .iter()
            .enumerate()
            .map(|(i, (k, low, high))| crate::experiments::sweep::Parameter {
                key: k.clone(),
                low_text: crate::experiments::sweep::value_text(low),
                high_text: crate::experiments::sweep::value_text(high),
                low: summary(
                    1 + 2 * i,
                    &format!("{k}=low"),
                    &crate::experiments::sweep::value_text(low),
                ),
                high: summary(
                    2 + 2 * i,
                    &format!("{k}=high"),
                    &crate::experiments::sweep::value_text(high),
                ),
            })
            .collect(),
    };
    staging.fill(|dir| {
        sens.write_csv(&dir.join("sensitivity.csv"))?;
        let charts: Vec<(String, PathBuf)> = sens
            .figures()
            .into_iter()
            .map(|(f, _)| {
                let path = dir.join(crate::experiments::sweep::figure_file(&f));
                (f, path)
            })
            .collect();
        {
            use rayon::prelude::*;
            charts
                .par_iter()
                .map(|(f, p)| report::compare_chart::draw_tornado(&sens, f, p))
                .collect::<Result<Vec<()>>>()?;
        }
        report::compare_html::write_sensitivity(
            &sens,
            &charts,
            &["sensitivity.csv"],
            &dir.join("report.html"),
        )
    })?;
    let target = staging.commit()?;
    bar.finish_and_clear();
    finish_table(
        &sens.table(&target.join("report.html")),
        &target,
        args.output.quiet,
        started,
    );
    Ok(ExitCode::SUCCESS)
}

/// The refusal listing a contact list's bad rows (line and reason; never an address).
pub fn rejected_message(list: &crate::scenario::import::ContactList) -> String {
    let shown: Vec<String> = list
        .rejected
        .iter()
        .take(20)
        .map(|r| format!("  {}:{}: {}", list.path.display(), r.line, r.reason))
        .collect();
    let more = if list.rejected.len() > 20 {
        format!("\n  … and {} more", list.rejected.len() - 20)
    } else {
        String::new()
    };
    format!(
        "{} row{} of the contact list cannot be used; fix them, or run with --skip-bad-rows to leave them out (they are then written to rejected.csv):\n{}{more}",
        list.rejected.len(),
        if list.rejected.len() == 1 { "" } else { "s" },
        shown.join("\n")
    )
}

fn export_population(args: PopulationArgs) -> Result<ExitCode> {
    let overrides = overrides(&args.scenario_args, None)?;
    let scenario = load(&args.scenario, &overrides)?;
    check_rows(&scenario, args.skip_bad_rows)?;
    let salt = crate::scenario::import::fresh_salt().map_err(|e| anyhow!(e))?;
    let addresses = if args.reveal_addresses {
        report::csv::Addresses::Revealed
    } else {
        report::csv::Addresses::Pseudonyms(&salt)
    };
    worker_threads(args.threads)?;
    // One replication's world, as `run` would hold it with one thread.
    let mut one = scenario.clone();
    one.replications = 1;
    memory_guard(std::slice::from_ref(&one), 1, 1, &args.memory)?;
    let staging = Staging::new(&args.export, args.force, "population")?;
    let population = crate::world::population::generate(&scenario, args.replication)?;
    staging.fill(|dir| crate::report::population::write(&scenario, &population, addresses, dir))?;
    let target = staging.commit()?;
    println!(
        "{}: {} organisations, {} users, {} persons, {} entries, {} graph edges (replication {})",
        target.display(),
        population.orgs.len(),
        population.user_count(),
        population.persons.len(),
        population.entry_count(),
        population.graph.as_ref().map_or(0, |g| g.edges()),
        args.replication
    );
    Ok(ExitCode::SUCCESS)
}

//! The subcommands: load and validate, set up threads and the output folder, run, report.

use crate::cli::{Cli, Command, PopulationArgs, RunArgs, ScenarioArgs, ValidateArgs};
use crate::report::{self, Staging, manifest::Invocation};
use crate::scenario::load::KeyPath;
use crate::scenario::{Override, Scenario, load_file};
use anyhow::{Context, Result, anyhow};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run(args) => run_scenario(args),
        Command::Validate(args) => validate(args),
        Command::Population(args) => export_population(args),
    }
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
                    .map_err(|e| anyhow!("{}: {e:#}", file.display()))?;
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

/// A rayon pool with `threads` workers (all cores by default).
pub fn thread_pool(threads: Option<usize>) -> Result<rayon::ThreadPool> {
    let n = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if n == 0 {
        return Err(anyhow!("--threads must be 1 or more"));
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .context("could not start worker threads")
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

fn run_scenario(args: RunArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let overrides = overrides(&args.scenario_args, args.out.as_deref())?;
    let scenario = load(&args.scenario, &overrides)?;
    if let Some(list) = &scenario.population.import {
        if !list.rejected.is_empty() && !args.skip_bad_rows {
            return Err(anyhow!("{}", rejected_message(list)));
        }
    }
    let options = report::Options {
        salt: match &scenario.population.import {
            Some(_) if !args.reveal_addresses => {
                Some(crate::population::import::fresh_salt().map_err(|e| anyhow!(e))?)
            }
            _ => None,
        },
        reveal_addresses: args.reveal_addresses,
    };
    let pool = thread_pool(args.threads)?;
    let staging = Staging::new(&scenario.output.dir, args.force)?;
    let bar = progress_bar(
        u64::from(scenario.replications) * 1000,
        args.quiet,
        &scenario.name,
    );
    let progress = |rep: u32, done: u64, total: u64| {
        bar.set_position(u64::from(rep) * 1000 + done * 1000 / total.max(1));
        bar.set_message(format!("replication {}/{}", rep + 1, scenario.replications));
    };
    let threads = pool.current_num_threads();
    let result = pool.install(|| crate::replicate::run(&scenario, threads, &progress))?;
    bar.set_message("writing reports");
    let bytes = std::fs::read(&args.scenario)
        .with_context(|| format!("could not read '{}'", args.scenario.display()))?;
    let inv = Invocation {
        scenario_path: Some(&args.scenario),
        scenario_sha256: Some(report::manifest::sha256_hex(&bytes)),
        command_line: std::env::args().collect(),
        wall_seconds: started.elapsed().as_secs_f64(),
    };
    let headlines = pool.install(|| report::write_all(&result, &inv, staging.path(), &options))?;
    let target: PathBuf = staging.commit()?;
    bar.finish_and_clear();
    let report_path = target.join("report.html");
    if args.quiet {
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

/// The refusal listing a contact list's bad rows (line and reason; never an address).
pub fn rejected_message(list: &crate::population::import::ContactList) -> String {
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
    if let Some(list) = &scenario.population.import {
        if !list.rejected.is_empty() && !args.skip_bad_rows {
            return Err(anyhow!("{}", rejected_message(list)));
        }
    }
    let salt = crate::population::import::fresh_salt().map_err(|e| anyhow!(e))?;
    let addresses = if args.reveal_addresses {
        report::csv::Addresses::Revealed
    } else {
        report::csv::Addresses::Pseudonyms(&salt)
    };
    let pool = thread_pool(args.threads)?;
    let staging = Staging::new(&args.export, args.force)?;
    let population = pool.install(|| crate::population::generate(&scenario, args.replication))?;
    crate::export::write(&scenario, &population, addresses, staging.path())?;
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

//! `picsim validate`: check scenario files (and what `sweep` and `sensitivity` would run from
//! them) without running anything.

use super::plan;
use crate::cli::ValidateArgs;
use crate::experiments::{sensitivity, sweep};
use crate::scenario::validate::count;
use crate::scenario::{Override, Scenario, load_file};
use anyhow::{Result, anyhow};
use std::path::Path;
use std::process::ExitCode;

/// Checks every file, printing one line per valid file and every problem of the others.
pub(crate) fn validate(args: ValidateArgs) -> Result<ExitCode> {
    let overrides = plan::overrides(&args.scenario_args, None)?;
    let mut ok = true;
    for file in &args.files {
        match check(file, &overrides) {
            Ok(s) => {
                if let Some(list) = s
                    .population
                    .import
                    .as_ref()
                    .filter(|l| !l.rejected.is_empty())
                {
                    eprintln!("warning: {}", plan::rejected_message(list));
                }
                let orgs = match &s.population.import {
                    Some(list) if list.source == crate::scenario::import::Source::Csv => count(
                        list.rows.len() as u64,
                        "imported contact row",
                        "imported contact rows",
                    ),
                    Some(list) => format!(
                        "{}, {}",
                        count(list.users() as u64, "imported user", "imported users"),
                        count(
                            list.rows.len() as u64,
                            "public-IM entry",
                            "public-IM entries"
                        )
                    ),
                    None => count(u64::from(s.orgs.count), "organisation", "organisations"),
                };
                // A world the scenario replays is checked as a one-thread run would check it:
                // measured, read, and each replication's world built and checked.
                let limit = (!args.memory.ignore_memory_limit)
                    .then(|| {
                        args.memory
                            .memory_limit
                            .or_else(crate::sys::available_memory_bytes)
                    })
                    .flatten();
                let world = match crate::run::check_world(&s, limit) {
                    Ok(Some(built)) => format!(
                        ", the world in {}{}",
                        s.population.world.as_deref().unwrap_or(file).display(),
                        match built {
                            0 => String::new(),
                            n => format!(
                                " ({} built and checked)",
                                count(u64::from(n), "replication", "replications")
                            ),
                        }
                    ),
                    Ok(None) => String::new(),
                    Err(e) => {
                        ok = false;
                        eprintln!("{e:#}");
                        continue;
                    }
                };
                println!(
                    "{}: valid ({}, {}, {}, {orgs}{world})",
                    file.display(),
                    count(s.networks.len() as u64, "network", "networks"),
                    count(s.providers.len() as u64, "provider", "providers"),
                    count(s.migrations.len() as u64, "migration", "migrations"),
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

/// The scenario at `file`, if it loads, its output folder could be created, and its experiments
/// would run.
fn check(file: &Path, overrides: &[Override]) -> Result<Scenario> {
    let s = load_file(file, overrides)?;
    // Named as `run` would: at its line in the file, or the option that set it.
    let key = crate::scenario::KeyPath::parse("output.dir").map_err(|e| anyhow!(e))?;
    let by = match overrides.iter().rev().find(|o| o.path == key) {
        Some(o) => format!(" (set by {})", o.text),
        None => String::new(),
    };
    crate::output::check_creatable(&s.output.dir)
        .map_err(|e| anyhow!("{}: output.dir: {e:#}{by}", s.output.dir_origin))?;
    check_experiments(file, overrides, &s)?;
    Ok(s)
}

/// What `sweep` and `sensitivity` would check before running: every `[sweep]` and
/// `[sensitivity]` key exists, every point of the sweep's grid gives a valid scenario, and so
/// does each sensitivity value set alone with everything else at base.
fn check_experiments(file: &Path, base: &[Override], s: &Scenario) -> Result<()> {
    let axes = sweep::axes(s, &[]);
    sweep::sweep_scenarios(file, base, s, &axes)
        .and_then(|_| sensitivity::variants::sensitivity_scenarios(file, base, s))
        .map(|_| ())
}

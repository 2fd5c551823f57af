//! A command's run plan, resolved once from the command line and the scenario (as ripgrep turns
//! its flags into settings once): the overrides, the scenarios to run, the worker threads, how
//! imported addresses are written, the memory guard's estimate and the output folder. `run`,
//! `sweep` and `sensitivity` each build one and then only say what differs: which scenarios run
//! and what is written.
//!
//! The checks run in one order for every command (imported bad rows, address salt, threads,
//! memory, output folder), so that a command line refused by one command is refused the same way
//! by the others; `population`, which writes one world and no run, takes the same first steps
//! ([`prepare`], the memory guard).

use super::progress::{Phase, places, progress_bar, status};
use crate::cli::{MemoryArgs, OutputArgs, ScenarioArgs, WorldArgs};
use crate::comm::Comm;
use crate::experiments::compare::result::RunSummary;
use crate::output::staging::Named;
use crate::output::{Inputs, Staging};
use crate::run::jobs::Tick;
use crate::run::report::{self, manifest::Invocation};
use crate::run::summary::{RunResult, summarise_run};
use crate::scenario::import::ContactList;
use crate::scenario::{KeyPath, Override, Scenario, load_file};
use anyhow::{Context, Result, anyhow};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

/// The overrides given on the command line, in the order they apply.
pub(crate) fn overrides(args: &ScenarioArgs, out: Option<&Path>) -> Result<Vec<Override>> {
    let key = |k: &str| KeyPath::parse(k).map_err(|e| anyhow!(e));
    let mut list = args.keys.set.clone();
    if let Some(r) = args.replications {
        list.push(Override::new(
            key("scenario.replications")?,
            toml::Value::Integer(i64::from(r)),
            format!("--replications {r}"),
        ));
    }
    if let Some(seed) = args.keys.seed {
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

/// `--world DIR` as the override it stands for, `population.world`: the folder made absolute,
/// since the command line's paths are the working directory's, not the scenario file's.
pub(crate) fn world_override(dir: &Path) -> Result<Override> {
    let absolute = std::path::absolute(dir)
        .with_context(|| format!("could not resolve '{}'", dir.display()))?;
    Ok(Override::new(
        KeyPath::parse("population.world").map_err(|e| anyhow!(e))?,
        toml::Value::String(absolute.display().to_string()),
        format!("--world {}", dir.display()),
    ))
}

/// A scenario loaded with the command line's overrides: the first step of every command.
pub(crate) struct Loaded<'a> {
    /// The scenario file.
    pub(crate) path: &'a Path,
    /// When the command started (for the manifest's wall time and the closing line).
    pub(crate) started: Instant,
    /// The command line's overrides, applied to every variant too.
    pub(crate) overrides: Vec<Override>,
    /// The scenario with those overrides.
    pub(crate) scenario: Scenario,
}

/// Loads `path` with the overrides of `args` (and `--out` as `output.dir`, for `run`).
pub(crate) fn load<'a>(
    path: &'a Path,
    args: &ScenarioArgs,
    out: Option<&Path>,
) -> Result<Loaded<'a>> {
    let started = Instant::now();
    let overrides = overrides(args, out)?;
    let scenario = load_file(path, &overrides)?;
    Ok(Loaded {
        path,
        started,
        overrides,
        scenario,
    })
}

/// Everything a command needs to run its scenarios and write its folder.
pub(crate) struct Plan<'a> {
    /// The base scenario and the command line's overrides.
    pub(crate) loaded: Loaded<'a>,
    /// The scenarios that run, in output order.
    pub(crate) scenarios: Vec<Scenario>,
    /// Worker threads in the pool.
    pub(crate) threads: usize,
    /// How imported addresses are written (set on the rank that writes).
    pub(crate) options: report::Options,
    /// The memory guard's estimate of peak memory, bytes.
    pub(crate) estimate: f64,
    /// No progress bar and no table.
    pub(crate) quiet: bool,
    /// Per scenario, the world it replays (read and checked before anything is written).
    worlds: Vec<Option<std::sync::Arc<crate::world::pinned::World>>>,
    /// The output folder being written (on the rank that writes).
    staging: Option<Staging>,
}

impl<'a> Plan<'a> {
    /// Resolves the plan for running `scenarios` into the folder `out` (`command` names the
    /// writer in the folder's marker). Every rank resolves it; only rank 0 prepares the folder.
    pub(crate) fn resolve(
        loaded: Loaded<'a>,
        scenarios: Vec<Scenario>,
        out: &Path,
        output: &OutputArgs,
        comm: &dyn Comm,
        command: &'static str,
    ) -> Result<Plan<'a>> {
        Self::resolve_with(loaded, scenarios, out, output, comm, command, None)
    }

    /// [`Plan::resolve`] for an experiment that can be resumed: its folder is kept when
    /// interrupted, with the runs it finished and `record` (see `Staging::resumable`).
    pub(crate) fn resolve_resumable(
        loaded: Loaded<'a>,
        scenarios: Vec<Scenario>,
        out: &Path,
        output: &OutputArgs,
        comm: &dyn Comm,
        command: &'static str,
        (record, resume): (&serde_json::Value, bool),
    ) -> Result<Plan<'a>> {
        let resumable = Some((record, resume));
        Self::resolve_with(loaded, scenarios, out, output, comm, command, resumable)
    }

    fn resolve_with(
        loaded: Loaded<'a>,
        scenarios: Vec<Scenario>,
        out: &Path,
        output: &OutputArgs,
        comm: &dyn Comm,
        command: &'static str,
        resumable: Option<(&serde_json::Value, bool)>,
    ) -> Result<Plan<'a>> {
        let world = &output.world;
        let Prepared { options, threads } = prepare(&loaded.scenario, world, comm.rank() == 0)?;
        let estimate = memory_guard(&scenarios, threads, comm.size(), &world.memory)?;
        let worlds = crate::run::jobs::worlds_of(&scenarios)?;
        let named = named(output, (command == "run").then_some(&loaded));
        let folder = (out, &named);
        let inputs = inputs_of(std::iter::once(&loaded.scenario).chain(&scenarios));
        let force = (world.folder.force, &inputs);
        let staging = prepare_output(comm, folder, force, command, resumable)?;
        Ok(Plan {
            loaded,
            scenarios,
            threads,
            options,
            estimate,
            quiet: output.quiet,
            worlds,
            staging,
        })
    }

    /// Runs every scenario (split over the ranks), with a progress bar labelled `label` on the
    /// rank that writes, and keeps their results. Returns `None` on the other ranks, whose work
    /// is done.
    pub fn run(self, comm: &dyn Comm, label: &str) -> Result<Option<Finished<'a>>> {
        let mut results = Vec::with_capacity(self.scenarios.len());
        let mut keep = |_: usize, result: RunResult, _: &Output| {
            results.push(result);
            Ok(())
        };
        let all: Vec<bool> = vec![true; self.scenarios.len()];
        let finished = self.stream(comm, label, &all, &mut keep)?;
        Ok(finished.map(|f| Finished { results, ..f }))
    }

    /// Runs the scenarios `selected` (split over the ranks), with a progress bar labelled `label`
    /// on the rank that writes, and hands each run's result to `each` (with the folder being
    /// written) as soon as its replications are done, in scenario order: no run's replications
    /// are kept after that. Returns `None` on the other ranks, whose work is done; the finished
    /// plan holds no results.
    pub(crate) fn stream(
        self,
        comm: &dyn Comm,
        label: &str,
        selected: &[bool],
        each: &mut dyn FnMut(usize, RunResult, &Output) -> Result<()>,
    ) -> Result<Option<Finished<'a>>> {
        let bar = progress_bar(1000, self.quiet || comm.rank() != 0, label);
        let jobs: Vec<(usize, u32)> = crate::run::jobs::jobs_of(&self.scenarios, &self.worlds)
            .into_iter()
            .filter(|&(i, _)| selected[i])
            .collect();
        // The bar says which world is being generated, then which replication the run waits
        // for (the next one to finish, in order), of which run.
        let places = places(&self.scenarios, &jobs);
        const NONE: usize = usize::MAX;
        let (generating, done) = (AtomicUsize::new(NONE), AtomicUsize::new(0));
        let show = |phase: Option<Phase>| {
            if let Some(phase) = phase {
                bar.set_message(status(label, &phase.texts()));
            }
        };
        let simulating = || show(places.get(done.load(Relaxed)).map(|p| p.simulating()));
        let progress = |tick: Tick| match tick {
            Tick::Generating(j) => {
                generating.store(j, Relaxed);
                show(places.get(j).map(|p| p.generating()));
            }
            Tick::Share(share) => {
                bar.set_position((share * 1000.0) as u64);
                if generating.swap(NONE, Relaxed) != NONE {
                    simulating();
                }
            }
        };
        let writer = match &self.staging {
            Some(staging) => Some(Output {
                staging,
                options: &self.options,
                loaded: &self.loaded,
                sha256: scenario_sha256(self.loaded.path)?,
                estimate: self.estimate,
                ranks: comm.size(),
            }),
            None => None,
        };
        let mut reps = Vec::new();
        let mut sink = |j: usize, out| {
            done.fetch_add(1, Relaxed);
            if generating.load(Relaxed) == NONE {
                simulating();
            }
            let i = jobs[j].0;
            reps.push(out);
            let s = &self.scenarios[i];
            if reps.len() == s.replications as usize {
                let result = summarise_run(s, self.threads, std::mem::take(&mut reps));
                let writer = writer
                    .as_ref()
                    .context("only the rank that writes gets outputs")?;
                each(i, result, writer)?;
            }
            Ok(())
        };
        crate::run::jobs::run_stream_worlds(
            &self.scenarios,
            &self.worlds,
            &jobs,
            comm,
            &progress,
            &mut sink,
        )?;
        drop(writer);
        let ranks = crate::comm::rank_stats(comm);
        let (Some(staging), Some(ranks)) = (self.staging, ranks) else {
            return Ok(None);
        };
        bar.set_message(status(label, &Phase::Writing.texts()));
        Ok(Some(Finished {
            loaded: self.loaded,
            results: Vec::new(),
            options: self.options,
            estimate: self.estimate,
            quiet: self.quiet,
            ranks,
            staging,
            bar,
        }))
    }
}

impl Plan<'_> {
    /// The runs an unfinished folder already holds, as `read` finds them in it (per scenario,
    /// its summary or `None`), on the rank that writes; every rank learns which are done.
    pub(crate) fn kept(
        &self,
        comm: &dyn Comm,
        read: impl FnOnce(&Path) -> Result<Vec<Option<RunSummary>>>,
    ) -> Result<(Vec<bool>, Vec<Option<RunSummary>>)> {
        let kept = self.staging.as_ref().map(|s| s.fill(read)).transpose();
        if comm.any(kept.is_err()) {
            return Err(kept
                .err()
                .unwrap_or_else(|| anyhow!("rank 0 could not read the unfinished folder")));
        }
        let kept = kept?.unwrap_or_default();
        let mask: Vec<u8> = kept.iter().map(|k| u8::from(k.is_some())).collect();
        let all = comm.all_gather(mask);
        let done = all
            .first()
            .map_or_else(Vec::new, |m| m.iter().map(|&b| b == 1).collect());
        anyhow::ensure!(
            done.len() == self.scenarios.len(),
            "the ranks disagree on the runs done"
        );
        Ok((done, kept))
    }
}

/// The SHA-256 of the scenario file, hex.
fn scenario_sha256(path: &Path) -> Result<String> {
    let bytes =
        std::fs::read(path).with_context(|| format!("could not read '{}'", path.display()))?;
    Ok(crate::output::manifest::sha256_hex(&bytes))
}

/// Where a run's result goes while the other runs go on (on the rank that writes): the folder
/// being written and what its manifest records; the command's closure does the writing.
pub(crate) struct Output<'p> {
    /// The folder being written.
    pub(crate) staging: &'p Staging,
    /// How imported addresses are written.
    pub(crate) options: &'p report::Options,
    loaded: &'p Loaded<'p>,
    sha256: String,
    estimate: f64,
    ranks: usize,
}

impl Output<'_> {
    /// What a run's manifest records about the invocation, with the wall time so far (the
    /// ranks' traffic and memory are known only at the end, so a distributed run lists none).
    pub(crate) fn invocation(&self) -> Invocation<'_> {
        let own = (0, crate::sys::peak_rss_bytes().unwrap_or(0));
        Invocation {
            scenario_path: Some(self.loaded.path),
            scenario_sha256: Some(self.sha256.clone()),
            command_line: std::env::args().collect(),
            wall_seconds: self.loaded.started.elapsed().as_secs_f64(),
            memory_estimate: Some(self.estimate),
            rank_count: self.ranks,
            ranks: if self.ranks == 1 {
                vec![own]
            } else {
                Vec::new()
            },
        }
    }
}

/// A plan whose scenarios have run, on the rank that writes: the results and the folder to
/// write them into.
pub(crate) struct Finished<'a> {
    /// The base scenario and the command line's overrides.
    pub(crate) loaded: Loaded<'a>,
    /// One result per scenario of the plan, in its order.
    pub(crate) results: Vec<RunResult>,
    /// How imported addresses are written.
    pub(crate) options: report::Options,
    /// The memory guard's estimate of peak memory, bytes.
    pub(crate) estimate: f64,
    /// No progress bar and no table.
    pub(crate) quiet: bool,
    /// Per rank: bytes sent and peak memory.
    pub(crate) ranks: Vec<(u64, u64)>,
    /// The output folder being written.
    pub(crate) staging: Staging,
    bar: indicatif::ProgressBar,
}

impl Finished<'_> {
    /// What the manifest records about the invocation, with the wall time so far.
    pub(crate) fn invocation(&self) -> Result<Invocation<'_>> {
        let path = self.loaded.path;
        Ok(Invocation {
            scenario_path: Some(path),
            scenario_sha256: Some(scenario_sha256(path)?),
            command_line: std::env::args().collect(),
            wall_seconds: self.loaded.started.elapsed().as_secs_f64(),
            memory_estimate: Some(self.estimate),
            rank_count: self.ranks.len(),
            ranks: self.ranks.clone(),
        })
    }

    /// Moves the written folder into place, clears the progress bar and prints the closing
    /// lines (see [`close`]).
    pub(crate) fn close(self, text: impl FnOnce(&Path, f64) -> String) -> Result<ExitCode> {
        let target = self.staging.commit()?;
        self.bar.finish_and_clear();
        close(&target, self.quiet, self.loaded.started, text);
        Ok(ExitCode::SUCCESS)
    }
}

/// What every command that builds worlds resolves before its memory guard and its folder.
pub(crate) struct Prepared {
    /// How imported addresses are written (default on a rank that does not write).
    pub(crate) options: report::Options,
    /// Worker threads in the pool.
    pub(crate) threads: usize,
}

/// The first checks of a plan, in their order (imported bad rows, address salt, threads), for
/// `scenario` with the settings `world`; `writes` on the rank that writes the folder, which alone
/// draws a salt.
pub(crate) fn prepare(scenario: &Scenario, world: &WorldArgs, writes: bool) -> Result<Prepared> {
    check_rows(scenario, world.skip_bad_rows)?;
    let options = if writes {
        report_options(scenario, world.reveal_addresses)?
    } else {
        report::Options::default()
    };
    let threads = worker_threads(world.threads)?;
    Ok(Prepared { options, threads })
}

/// How the user named the output folder: `--out`, else (for `run`, whose `loaded` scenario
/// gives it) the override of `output.dir` or its place in the file, else the command's default.
pub(crate) fn named(output: &OutputArgs, loaded: Option<&Loaded>) -> Named {
    if output.out.is_some() {
        return Named::Option("--out".into());
    }
    let Some(loaded) = loaded else {
        return Named::Default;
    };
    let key = KeyPath::parse("output.dir").unwrap_or_default();
    if let Some(o) = loaded.overrides.iter().rev().find(|o| o.path == key) {
        return Named::Option(o.text.clone());
    }
    let origin = &loaded.scenario.output.dir_origin;
    match origin.position {
        Some(_) => Named::Key(origin.to_string()),
        None => Named::Default,
    }
}

/// Every file and folder the `scenarios` read (each variant may read its own).
pub(crate) fn inputs_of<'s>(scenarios: impl IntoIterator<Item = &'s Scenario>) -> Inputs {
    let mut inputs = Inputs::default();
    for s in scenarios {
        inputs.extend(s.inputs());
    }
    inputs
}

/// The output folder `dir` (named by the user as the `Named` beside it) of `command`, prepared
/// on rank 0 only (replaced if `force`, never when it is one of `inputs` or holds one); every
/// rank learns whether that worked, so that all stop together when it did not.
pub(crate) fn prepare_output(
    comm: &dyn Comm,
    (dir, named): (&Path, &Named),
    (force, inputs): (bool, &Inputs),
    command: &'static str,
    resumable: Option<(&serde_json::Value, bool)>,
) -> Result<Option<Staging>> {
    let staging = match (comm.rank(), resumable) {
        (0, None) => Some(Staging::named(dir, named, force, command, inputs)),
        (0, Some((record, resume))) => Some(Staging::resumable(
            (dir, named),
            (force, inputs),
            command,
            record,
            resume,
        )),
        _ => None,
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

/// Sets rayon's global pool to `threads` workers (all cores by default) and returns how many it
/// has. The global pool, not a scoped one, so that the calling (main) thread stays the one that
/// communicates with other ranks while the workers compute, as MPI's funneled mode requires.
fn worker_threads(threads: Option<usize>) -> Result<usize> {
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

/// Estimates the peak memory of running `scenarios` together (the largest replication, as many
/// at a time as threads, plus every run's results) and refuses when it exceeds the limit (by
/// default the memory available now). Returns the estimate in bytes.
pub(crate) fn memory_guard(
    scenarios: &[Scenario],
    threads: usize,
    ranks: usize,
    args: &MemoryArgs,
) -> Result<f64> {
    let limit = (!args.ignore_memory_limit)
        .then(|| {
            args.memory_limit
                .or_else(crate::sys::available_memory_bytes)
        })
        .flatten();
    crate::run::memory::guard(scenarios, threads, ranks, limit)
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

/// The refusal listing a contact list's bad rows (line and reason; never an address).
pub(crate) fn rejected_message(list: &ContactList) -> String {
    let shown: Vec<String> = list
        .rejected
        .iter()
        .take(20)
        .map(|r| format!("  {}: {}", list.locate(r), r.reason))
        .collect();
    let more = if list.rejected.len() > 20 {
        format!("\n  … and {} more", list.rejected.len() - 20)
    } else {
        String::new()
    };
    let (one, many, of) = if list.source == crate::scenario::import::Source::Csv {
        ("row", "rows", "the contact list")
    } else {
        ("entry", "entries", "the export")
    };
    format!(
        "{} {} of {of} cannot be used; fix them, or run with --skip-bad-rows to leave them out (they are then written to rejected.csv):\n{}{more}",
        list.rejected.len(),
        if list.rejected.len() == 1 { one } else { many },
        shown.join("\n")
    )
}

/// The closing lines of every command that writes a report: `text` (given the report's path and
/// the seconds since `started`), or only the report's path when quiet.
pub(crate) fn close(
    target: &Path,
    quiet: bool,
    started: Instant,
    text: impl FnOnce(&Path, f64) -> String,
) {
    let report = target.join("report.html");
    if quiet {
        println!("{}", report.display());
    } else {
        print!("{}", text(&report, started.elapsed().as_secs_f64()));
    }
}

/// The closing text of a command that writes a table: the table, then how long it took.
pub(crate) fn table_text(table: &str, seconds: f64) -> String {
    format!("{table}({seconds:.1} s)\n")
}

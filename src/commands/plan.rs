//! A command's run plan, resolved once from the command line and the scenario (as ripgrep turns
//! its flags into settings once): the overrides, the scenarios to run, the worker threads, how
//! imported addresses are written, the memory guard's estimate and the output folder. Every
//! command that writes a run's folder takes the same path: [`load`], [`Plan::resolve`] into a
//! [`Target`], run, [`Plan::finish`] (through [`Plan::stream`] for `run`, `sweep` and
//! `sensitivity`; directly for `calibrate` and its check, whose sampler runs the simulations),
//! the manifest's [`Invocation`] from the finished plan, and [`Finished::close`]. Each command
//! only says what differs: which scenarios run and what is written.
//!
//! The checks run in one order for every command (imported bad rows, address salt, threads,
//! memory, output folder), so that a command line refused by one command is refused the same way
//! by the others; `population`, which writes one world and no run, takes the same first steps
//! ([`prepare`], the memory guard).

use super::progress::{Phase, places, progress_bar, status};
use crate::cli::{MemoryArgs, OutputArgs, ScenarioArgs, WorldArgs};
use crate::comm::Comm;
use crate::experiments::compare::result::RunSummary;
use crate::output::staging::{KEPT, Named};
use crate::output::{Inputs, Staging};
use crate::run::jobs::Tick;
use crate::run::report::{self, manifest::Invocation};
use crate::run::summary::{RunResult, summarise_run};
use crate::scenario::import::ContactList;
use crate::scenario::{KeyPath, Override, Scenario, load_file};
use anyhow::{Context, Result, anyhow};
use std::path::{Path, PathBuf};
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

/// Where a command writes and how its folder is kept: what [`Plan::resolve`] needs besides the
/// scenarios. [`Target::new`] for a folder written once; [`Target::resumable`] and
/// [`Target::reading`] for a command whose folder can be resumed or that reads a file besides its
/// scenarios.
pub(crate) struct Target<'o> {
    /// The output folder.
    out: &'o Path,
    /// The command line's output settings.
    output: &'o OutputArgs,
    /// The command, as the folder's marker names it.
    command: &'static str,
    /// What the unfinished folder records and whether `--resume` was given: the folder is kept
    /// when interrupted (see `Staging::resumable`).
    resumable: Option<(&'o serde_json::Value, bool)>,
    /// A file the command reads besides its scenarios, and what it is (the folder may not be it).
    reads: Option<(&'o Path, &'static str)>,
}

impl<'o> Target<'o> {
    /// `command` writing the folder `out` with the settings `output`.
    pub(crate) fn new(out: &'o Path, output: &'o OutputArgs, command: &'static str) -> Self {
        Target {
            out,
            output,
            command,
            resumable: None,
            reads: None,
        }
    }

    /// The same, for a command that can be resumed: its folder records `record`, is kept when
    /// interrupted, and is continued when `resume`.
    pub(crate) fn resumable(self, record: &'o serde_json::Value, resume: bool) -> Self {
        Target {
            resumable: Some((record, resume)),
            ..self
        }
    }

    /// The same, for a command that also reads `path` (`what` it is, for the refusal).
    pub(crate) fn reading(self, path: &'o Path, what: &'static str) -> Self {
        Target {
            reads: Some((path, what)),
            ..self
        }
    }

    /// The output folder for `loaded` running `scenarios`, prepared on rank 0 only (replaced if
    /// `--force`, never when it is one of the inputs or holds one); every rank learns whether that
    /// worked, so that all stop together when it did not.
    fn prepare(
        &self,
        loaded: &Loaded,
        scenarios: &[Scenario],
        comm: &dyn Comm,
    ) -> Result<Option<Staging>> {
        let named = named(self.output, (self.command == "run").then_some(loaded));
        let mut inputs = inputs_of(std::iter::once(&loaded.scenario).chain(scenarios));
        if let Some((path, what)) = self.reads {
            inputs.add(path, what);
        }
        let force = self.output.world.folder.force;
        let staging = match (comm.rank(), self.resumable) {
            (0, None) => Some(Staging::named(
                self.out,
                &named,
                force,
                self.command,
                &inputs,
            )),
            (0, Some((record, resume))) => Some(Staging::resumable(
                (self.out, &named),
                (force, &inputs),
                self.command,
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
}

/// Everything a command needs to run its scenarios and write its folder.
pub(crate) struct Plan<'a> {
    /// The scenarios that run, in output order (calibrate's: its base scenario, which its sampler
    /// varies).
    pub(crate) scenarios: Vec<Scenario>,
    /// Worker threads in the pool.
    pub(crate) threads: usize,
    /// How imported addresses are written (set on the rank that writes).
    pub(crate) options: report::Options,
    /// No progress bar and no table.
    pub(crate) quiet: bool,
    /// What the folder's manifest records about the invocation.
    invoked: Invoked<'a>,
    /// Per scenario, the world it replays (read and checked before anything is written).
    worlds: Vec<Option<std::sync::Arc<crate::world::pinned::World>>>,
    /// The output folder being written (on the rank that writes).
    staging: Option<Staging>,
}

impl<'a> Plan<'a> {
    /// Resolves the plan of `loaded` running `scenarios` into `target`: the checks in their
    /// order (imported bad rows, address salt, threads: [`prepare`]; memory; the worlds
    /// replayed; the output folder). Every rank resolves it; only rank 0 prepares the folder.
    pub(crate) fn resolve(
        loaded: &'a Loaded<'a>,
        scenarios: Vec<Scenario>,
        target: Target,
        comm: &dyn Comm,
    ) -> Result<Plan<'a>> {
        let world = &target.output.world;
        let Prepared { options, threads } = prepare(&loaded.scenario, world, comm.rank() == 0)?;
        let estimate = memory_guard(&scenarios, threads, comm.size(), &world.memory)?;
        let worlds = crate::run::jobs::worlds_of(&scenarios)?;
        let staging = target.prepare(loaded, &scenarios, comm)?;
        // Read on the rank that writes, which alone records it, from the file just loaded.
        let sha256 = match &staging {
            Some(_) => Some(scenario_sha256(loaded.path)?),
            None => None,
        };
        Ok(Plan {
            scenarios,
            threads,
            options,
            quiet: target.output.quiet,
            invoked: Invoked {
                loaded,
                sha256,
                estimate,
            },
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
        let writer = self.staging.as_ref().map(|staging| Output {
            staging,
            options: &self.options,
            invoked: &self.invoked,
            ranks: comm.size(),
        });
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
        let finished = self.finish(comm, bar);
        if let Some(f) = &finished {
            f.bar.set_message(status(label, &Phase::Writing.texts()));
        }
        Ok(finished)
    }

    /// The plan done on every rank, on the rank that writes: the folder to write into, with
    /// every rank's traffic and peak memory gathered for the manifest (every rank takes part),
    /// and `bar` to clear when the folder is in place. `None` on the other ranks. Commands that
    /// run the plan's scenarios come here through [`Plan::stream`]; calibrate, whose sampler
    /// runs the simulations, directly.
    pub(crate) fn finish(
        self,
        comm: &dyn Comm,
        bar: indicatif::ProgressBar,
    ) -> Option<Finished<'a>> {
        let ranks = crate::comm::rank_stats(comm);
        let (Some(staging), Some(ranks)) = (self.staging, ranks) else {
            return None;
        };
        Some(Finished {
            results: Vec::new(),
            options: self.options,
            threads: self.threads,
            quiet: self.quiet,
            ranks,
            staging,
            bar,
            invoked: self.invoked,
        })
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

    /// Where a resumable folder keeps what an interrupted command needs to go on (the part
    /// its commit drops), on the rank that writes: calibrate's checkpoints.
    pub(crate) fn kept_dir(&self) -> Result<Option<PathBuf>> {
        self.staging
            .as_ref()
            .map(|s| s.fill(|dir| Ok(dir.join(KEPT))))
            .transpose()
    }
}

/// The SHA-256 of the scenario file, hex.
fn scenario_sha256(path: &Path) -> Result<String> {
    let bytes =
        std::fs::read(path).with_context(|| format!("could not read '{}'", path.display()))?;
    Ok(crate::output::manifest::sha256_hex(&bytes))
}

/// What a plan's manifest records about its invocation, as resolving it fixed it.
struct Invoked<'a> {
    /// The scenario file and when the command started.
    loaded: &'a Loaded<'a>,
    /// The SHA-256 of the scenario file (on the rank that writes).
    sha256: Option<String>,
    /// The memory guard's estimate of peak memory, bytes.
    estimate: f64,
}

impl Invoked<'_> {
    /// The invocation with the wall time so far, of `rank_count` ranks, with per rank its bytes
    /// sent and peak memory where they are known (`ranks`).
    fn invocation(&self, rank_count: usize, ranks: Vec<(u64, u64)>) -> Invocation<'_> {
        Invocation {
            scenario_path: Some(self.loaded.path),
            scenario_sha256: self.sha256.clone(),
            command_line: std::env::args().collect(),
            wall_seconds: self.loaded.started.elapsed().as_secs_f64(),
            memory_estimate: Some(self.estimate),
            rank_count,
            ranks,
        }
    }
}

/// Where a run's result goes while the other runs go on (on the rank that writes): the folder
/// being written and what its manifest records; the command's closure does the writing.
pub(crate) struct Output<'p> {
    /// The folder being written.
    pub(crate) staging: &'p Staging,
    /// How imported addresses are written.
    pub(crate) options: &'p report::Options,
    invoked: &'p Invoked<'p>,
    ranks: usize,
}

impl Output<'_> {
    /// What a run's manifest records about the invocation, with the wall time so far (the
    /// ranks' traffic and memory are known only at the end, so a distributed run lists none).
    pub(crate) fn invocation(&self) -> Invocation<'_> {
        let own = match self.ranks {
            1 => vec![(0, crate::sys::peak_rss_bytes().unwrap_or(0))],
            _ => Vec::new(),
        };
        self.invoked.invocation(self.ranks, own)
    }
}

/// A plan whose scenarios have run, on the rank that writes: the results and the folder to
/// write them into.
pub(crate) struct Finished<'a> {
    /// One result per scenario of the plan, in its order.
    pub(crate) results: Vec<RunResult>,
    /// How imported addresses are written.
    pub(crate) options: report::Options,
    /// Worker threads in the pool.
    pub(crate) threads: usize,
    /// No progress bar and no table.
    pub(crate) quiet: bool,
    /// Per rank: bytes sent and peak memory.
    pub(crate) ranks: Vec<(u64, u64)>,
    /// The output folder being written.
    pub(crate) staging: Staging,
    bar: indicatif::ProgressBar,
    invoked: Invoked<'a>,
}

impl Finished<'_> {
    /// What the manifest records about the invocation, with the wall time so far.
    pub(crate) fn invocation(&self) -> Invocation<'_> {
        self.invoked
            .invocation(self.ranks.len(), self.ranks.clone())
    }

    /// Moves the written folder into place, clears the progress bar and prints the closing
    /// lines (see [`close`]).
    pub(crate) fn close(self, text: impl FnOnce(&Path, f64) -> String) -> Result<ExitCode> {
        let target = self.staging.commit()?;
        self.bar.finish_and_clear();
        close(&target, self.quiet, self.invoked.loaded.started, text);
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
fn named(output: &OutputArgs, loaded: Option<&Loaded>) -> Named {
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

/// Sets rayon's global pool to `threads` workers (all cores by default) and returns how many it
/// has. The global pool, not a scoped one, so that the calling (main) thread stays the one that
/// communicates with other ranks while the workers compute, as MPI's funneled mode requires.
pub(crate) fn worker_threads(threads: Option<usize>) -> Result<usize> {
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

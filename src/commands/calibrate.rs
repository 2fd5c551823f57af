//! `picsim calibrate`: the scenario's `[calibration]` and the command line resolved into what to
//! fit and to what ([`Setup`]), its plan resolved as every command's (`super::plan`), the
//! sampler run with a progress bar per generation and a checkpoint after each, and the folder
//! written: `posterior.csv`, `calibration.csv`, the posterior predictive `summary.csv`, the
//! charts and `report.html`. With `--check N` the same setup is checked instead (`super::check`,
//! which the dispatcher calls).

use super::plan::{self, Finished, Plan, Target};
use crate::calibration::observed::Observed;
use crate::calibration::simulate::{self, Progress, Simulator};
use crate::calibration::smc::{self, Settings};
use crate::calibration::{self as cal, checkpoint, outcome::outcome};
use crate::cli::CalibrateArgs;
use crate::comm::Comm;
use crate::run::report;
use crate::scenario::{CalibrationSpec, Fit, Override, Scenario};
use anyhow::{Context, Result, anyhow};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What a calibration fits, to what, and how: the command line and `[calibration]` resolved.
pub(super) struct Setup<'a> {
    /// The scenario with the command line's overrides.
    pub(super) loaded: plan::Loaded<'a>,
    /// The fitted keys.
    pub(super) fits: Vec<Fit>,
    /// The observations file.
    pub(super) observed_path: PathBuf,
    /// The metrics that count (all when empty).
    pub(super) metrics: Vec<String>,
    /// The scenario's run columns.
    pub(super) columns: Vec<String>,
    /// The scenario's reported dates.
    pub(super) dates: Vec<NaiveDate>,
    /// The observations.
    pub(super) observed: Observed,
    /// The sampler's settings.
    pub(super) settings: Settings,
    /// The last observed day when it is before the scenario's end: fits simulate only to it.
    pub(super) until: Option<NaiveDate>,
    /// Consecutive proposals sharing a world (`Simulator::sharing`).
    pub(super) share: usize,
    /// The speed-ups in use.
    pub(super) levers: Levers,
    /// The command line's overrides and the small world's size, when proposals are screened on
    /// one (`smc::Screen`).
    pub(super) screen_base: Option<Vec<Override>>,
}

/// The calibration's speed-ups (all on unless `--levers` says otherwise): each changes only how
/// much a calibration costs, and `share` and `screen` which simulations it runs, never what it
/// samples from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Levers {
    /// Proposals share worlds when no fitted key reaches them.
    pub(super) share: bool,
    /// Fits simulate only to the last observed day.
    pub(super) truncate: bool,
    /// Proposals are screened on a small world first.
    pub(super) screen: bool,
}

impl Levers {
    /// From `--levers`.
    fn parse(given: Option<&[String]>) -> Result<Levers> {
        let Some(given) = given else {
            return Ok(Levers {
                share: true,
                truncate: true,
                screen: true,
            });
        };
        let mut l = Levers {
            share: false,
            truncate: false,
            screen: false,
        };
        for g in given {
            match g.trim() {
                "share" => l.share = true,
                "truncate" => l.truncate = true,
                "screen" => l.screen = true,
                "none" => {}
                other => {
                    return Err(anyhow!(
                        "--levers: `{other}` is not one of share, truncate, screen, none"
                    ));
                }
            }
        }
        Ok(l)
    }
}

impl Setup<'_> {
    /// The model the sampler calls, with the scenario's seed.
    pub(super) fn simulator<'s>(
        &'s self,
        comm: &'s dyn Comm,
        progress: &'s (dyn Fn(Progress) + Sync),
    ) -> Simulator<'s> {
        Simulator {
            path: self.loaded.path,
            base: &self.loaded.overrides,
            fits: &self.fits,
            observed: &self.observed,
            seed: self.loaded.scenario.seed,
            until: self.until,
            columns: self.columns.len(),
            comm,
            progress,
            scales: self.observed.initial_scales(),
            share: self.share,
        }
    }

    /// The model proposals are screened on, if any: the simulator of the small world.
    pub(super) fn screen_simulator<'s>(
        &'s self,
        comm: &'s dyn Comm,
        progress: &'s (dyn Fn(Progress) + Sync),
    ) -> Option<Simulator<'s>> {
        let base = self.screen_base.as_deref()?;
        Some(Simulator {
            base,
            ..self.simulator(comm, progress)
        })
    }

    /// What this calibration's checkpoints can hold, to check one before resuming it: its
    /// particles' rows run to the last day a fit simulates (`until`), not the whole window.
    pub(super) fn checkpoint_shape(&self) -> checkpoint::CheckpointShape {
        let days = self
            .dates
            .iter()
            .filter(|&&d| self.until.is_none_or(|u| d <= u))
            .count();
        checkpoint::CheckpointShape {
            particles: self.settings.particles,
            dims: self.fits.len(),
            row_len: days * self.columns.len(),
            max_generations: self.settings.max_generations,
            max_simulations: self.settings.max_simulations,
        }
    }

    /// What identifies this calibration for `--resume`: the scenario file's content, the
    /// command line's overrides, the fitted keys, the observations' content and the sampler's
    /// settings; `command` tells a calibration from a check.
    pub(super) fn identity(
        &self,
        command: &str,
        until: Option<NaiveDate>,
    ) -> Result<serde_json::Value> {
        let read = |p: &std::path::Path| {
            std::fs::read(p).with_context(|| format!("could not read '{}'", p.display()))
        };
        Ok(serde_json::json!({
            "command": command,
            "scenario_sha256": crate::output::manifest::sha256_hex(&read(self.loaded.path)?),
            "overrides": self.loaded.overrides.iter().map(|o| o.text.clone()).collect::<Vec<_>>(),
            "fits": self.fits.iter().map(|f| format!("{}={}..{}:{}", f.key, f.low, f.high, f.log)).collect::<Vec<_>>(),
            "observed_sha256": crate::output::manifest::sha256_hex(&read(&self.observed_path)?),
            "metrics": self.metrics,
            "observed_until": until.map(|d| d.to_string()),
            "settings": format!("{:?}", self.settings),
            "levers": format!("{:?}", self.levers),
        }))
    }

    /// The plan of this calibration (or its check: `command`, the default folder's `kind`),
    /// resolved as every command's ([`Plan::resolve`]: the memory guard weighs its base
    /// scenario, the folder may not be the observations): the plan; on the rank that writes,
    /// the folder its kept state goes in, kept when interrupted for `--resume`; and what
    /// identifies it (`Setup::identity`), which the folder records.
    pub(super) fn plan(
        &self,
        args: &CalibrateArgs,
        (command, kind): (&str, &str),
        comm: &dyn Comm,
    ) -> Result<(Plan<'_>, Option<PathBuf>, serde_json::Value)> {
        let s = &self.loaded.scenario;
        let out = args
            .output
            .out
            .clone()
            .unwrap_or_else(|| crate::output::files::experiment_dir(&s.name, kind));
        let identity = self.identity(command, args.observed_until)?;
        let target = Target::new(&out, &args.output, "calibrate")
            .resumable(&identity, args.resume)
            .reading(&self.observed_path, "the observations");
        let plan = Plan::resolve(&self.loaded, vec![s.clone()], target, comm)?;
        let kept = plan.kept_dir()?;
        Ok((plan, kept, identity))
    }
}

/// The manifest of a calibration or its check (`command`): the invocation as its plan records
/// it, what identifies the calibration, what the command `found` (in its order), and the
/// threads and ranks it ran on.
pub(super) fn manifest(
    finished: &Finished,
    s: &Scenario,
    command: &str,
    identity: serde_json::Value,
    found: Vec<(&str, serde_json::Value)>,
) -> serde_json::Value {
    let inv = finished.invocation();
    let path = inv.scenario_path.map(|p| p.display().to_string());
    let mut manifest = serde_json::json!({
        "picsim_version": env!("CARGO_PKG_VERSION"),
        "command": command,
        "command_line": inv.command_line,
        "scenario": {
            "path": path,
            "effective": crate::output::manifest::toml_to_json(&toml::Value::Table(s.effective.clone())),
        },
        "identity": identity,
    });
    let tail = serde_json::json!({
        "threads": finished.threads,
        "ranks": inv.rank_count,
        "wall_seconds": inv.wall_seconds,
        "note": "everything but the timings, threads and ranks is the same for any thread and rank count",
    });
    if let (Some(m), serde_json::Value::Object(tail)) = (manifest.as_object_mut(), tail) {
        m.extend(found.into_iter().map(|(k, v)| (k.to_string(), v)));
        m.extend(tail);
    }
    manifest
}

/// Writes `manifest` into `dir` as `manifest.json`.
pub(super) fn write_manifest(dir: &Path, manifest: &serde_json::Value) -> Result<()> {
    let path = dir.join("manifest.json");
    std::fs::write(&path, serde_json::to_vec_pretty(manifest)?)
        .with_context(|| format!("could not write '{}'", path.display()))
}

/// Resolves the command line and `[calibration]` into a [`Setup`], refusing what cannot run.
pub(super) fn setup(args: &CalibrateArgs) -> Result<Setup<'_>> {
    let loaded = plan::load(&args.scenario, &args.scenario_args, None)?;
    let s = &loaded.scenario;
    let spec = s.calibration.clone().unwrap_or_default();
    let fits = fits(&spec, &args.fit);
    if fits.is_empty() {
        return Err(anyhow!(
            "nothing to fit: give --fit KEY=LO..HI, or [[calibration.fit]] entries in {}",
            args.scenario.display()
        ));
    }
    let observed_path = args
        .observed
        .clone()
        .or(spec.observed.clone())
        .ok_or_else(|| {
            anyhow!(
                "no observations: give --observed OBS.csv, or calibration.observed in {}",
                args.scenario.display()
            )
        })?;
    let metrics = if args.metric.is_empty() {
        spec.metrics.clone()
    } else {
        args.metric.clone()
    };
    let columns = crate::engine::Columns::new(s).names;
    let cal_days = s.calendar();
    let dates: Vec<_> = s.report_days().iter().map(|&d| cal_days.date(d)).collect();
    let observed = Observed::read(
        &observed_path,
        &dates,
        &columns,
        &metrics,
        args.observed_until,
    )?;
    let settings = settings(args, &spec, s.seed)?;
    let levers = Levers::parse(args.levers.as_deref())?;
    let until = observed
        .observations
        .iter()
        .map(|o| o.date)
        .max()
        .filter(|&d| levers.truncate && d < s.end);
    let screen_base =
        screen_base(s, &observed, &loaded.overrides, &columns).filter(|_| levers.screen);
    let mut set = Setup {
        fits,
        observed_path,
        metrics,
        columns,
        dates,
        observed,
        settings,
        until,
        loaded,
        share: 1,
        levers,
        screen_base,
    };
    // The probes below read worlds and compare scenarios with rayon: the pool is given
    // `--threads` first, or their first use would build it with every core, for good.
    plan::worker_threads(args.output.world.threads)?;
    let progress = |_: Progress| {};
    let model = set.simulator(&crate::comm::Solo, &progress);
    // Both corners of the prior make valid scenarios (a key that does not exist, or a value it
    // cannot take, is refused here, before anything is written).
    for corner in [0.0, 1.0] {
        model.scenario(&vec![corner; set.fits.len()], None)?;
    }
    if levers.share {
        set.share = model.sharing()?;
    }
    Ok(set)
}

/// The overrides of the small world proposals are screened on (the command line's, then the
/// organisations scaled to `SCREEN_FRACTION`), when screening applies: a generated world of at
/// least `SCREEN_MIN_ORGS` organisations, observed only in shares (a count would differ between
/// the worlds by their size).
fn screen_base(
    s: &Scenario,
    observed: &Observed,
    overrides: &[Override],
    columns: &[String],
) -> Option<Vec<Override>> {
    let generated = s.population.import.is_none() && s.population.world.is_none();
    let shares = observed
        .observations
        .iter()
        .all(|o| o.column >= columns.len());
    if !generated || !shares || s.orgs.count < cal::SCREEN_MIN_ORGS {
        return None;
    }
    let small = (f64::from(s.orgs.count) * cal::SCREEN_FRACTION).round() as u32;
    let key = crate::scenario::KeyPath::parse("orgs.count").ok()?;
    let mut base = overrides.to_vec();
    base.push(Override::new(
        key,
        toml::Value::Integer(i64::from(small)),
        format!("the screen's orgs.count={small}"),
    ));
    Some(base)
}

/// The sampler's settings from the command line, then `[calibration]`, then the defaults.
fn settings(args: &CalibrateArgs, spec: &CalibrationSpec, seed: u64) -> Result<Settings> {
    let settings = Settings {
        particles: args.particles.or(spec.particles).unwrap_or(cal::PARTICLES) as usize,
        quantile: spec.quantile.unwrap_or(cal::QUANTILE),
        max_generations: args
            .max_generations
            .or(spec.max_generations)
            .unwrap_or(cal::MAX_GENERATIONS) as usize,
        max_simulations: args
            .max_simulations
            .or(spec.max_simulations)
            .unwrap_or(cal::MAX_SIMULATIONS) as usize,
        min_acceptance: spec.min_acceptance.unwrap_or(cal::MIN_ACCEPTANCE),
        seed,
    };
    if settings.particles < 4 {
        return Err(anyhow!("--particles must be at least 4"));
    }
    if settings.max_simulations < settings.particles {
        return Err(anyhow!(
            "{} particles need at least as many simulations; --max-simulations is {}",
            settings.particles,
            settings.max_simulations
        ));
    }
    // Each simulation's world is numbered by its generation and slot (`simulate::world`).
    if settings.max_simulations > simulate::MAX_SLOTS {
        return Err(anyhow!(
            "--max-simulations is at most {}",
            simulate::MAX_SLOTS
        ));
    }
    if settings.max_generations >= simulate::MAX_GENERATIONS {
        return Err(anyhow!(
            "--max-generations is at most {}",
            simulate::MAX_GENERATIONS - 1
        ));
    }
    Ok(settings)
}

/// The progress bar of a calibration: one length per generation's batches.
pub(super) fn bar_progress(bar: &indicatif::ProgressBar, name: &str, p: Progress) {
    match p {
        Progress::Batch { generation, size } => {
            let text = super::progress::status(name, &[format!("generation {generation}")]);
            if bar.message() != text {
                bar.set_position(0);
                bar.set_length(size as u64);
                bar.set_message(text);
            } else {
                bar.inc_length(size as u64);
            }
        }
        Progress::Done => bar.inc(1),
    }
}

/// Fits the scenario's keys to the observations and writes the calibration's folder (`--check`
/// is dispatched to `super::check` before this).
pub(crate) fn calibrate(args: CalibrateArgs, comm: &dyn Comm) -> Result<ExitCode> {
    let set = setup(&args)?;
    let s = &set.loaded.scenario;
    let settings = set.settings;
    // An unfinished calibration's folder (`<out>.partial/`) holds its checkpoint, kept when it
    // is interrupted; `--resume` continues it (the same calibration only).
    let (plan, kept, identity) = set.plan(&args, ("calibrate", "calibration"), comm)?;
    let done = if args.resume {
        let expected = set.checkpoint_shape();
        let load = |dir: &Path| checkpoint::load(dir, &expected);
        let state = kept.as_deref().map(load).transpose()?.flatten();
        checkpoint::share(comm, state)?
    } else {
        None
    };
    let quiet = plan.quiet || comm.rank() != 0;
    let bar = super::progress::progress_bar(settings.particles as u64, quiet, &s.name);
    let progress = |p: Progress| bar_progress(&bar, &s.name, p);
    let mut model = set.simulator(comm, &progress);
    let mut finished = |g: &smc::Generation<Vec<i64>>, history: &[smc::Stats]| -> Result<()> {
        if let Some(dir) = &kept {
            checkpoint::save(dir, g, history)?;
        }
        bar.println(generation_line(g));
        Ok(())
    };
    let mut screen_model = set.screen_simulator(comm, &progress);
    let screen = screen_model.as_mut().map(|model| smc::Screen {
        model,
        continuation: cal::SCREEN_CONTINUATION,
        kept: None,
    });
    let (last, history, stop) = smc::sample(
        &settings,
        set.fits.len(),
        done,
        &mut model,
        screen,
        &mut finished,
    )?;
    // The fit ran to the last observed day; the forecast runs the whole window.
    let last = model.forecast(last)?;
    bar.finish_and_clear();
    let Some(finished) = plan.finish(comm, bar) else {
        return Ok(ExitCode::SUCCESS);
    };
    let result = outcome(s, &set.fits, &set.observed, &last, &history, stop);
    let found = vec![
        ("simulations", result.simulations().into()),
        ("generations", history.len().into()),
        ("stopped_because", stop.text().into()),
    ];
    let manifest = manifest(&finished, s, "calibrate", identity, found);
    finished.staging.fill(|dir| {
        write(&result, dir)?;
        write_manifest(dir, &manifest)
    })?;
    finished.close(|report, seconds| format!("{}({seconds:.1} s)\n", result.terminal(report)))
}

/// The terminal's line for a finished generation.
pub(super) fn generation_line<T>(g: &smc::Generation<T>) -> String {
    let last = g.stats;
    format!(
        "generation {}: tolerance {}, kept {} of {} simulations ({:.0} %), effective sample size {:.0}",
        last.generation,
        if last.tolerance.is_finite() {
            format!("{:.4}", last.tolerance)
        } else {
            "none".into()
        },
        g.particles.len(),
        last.simulations,
        100.0 * last.acceptance,
        last.ess
    )
}

/// The fitted keys: the scenario's, each replaced by a `--fit` of the same key, then the other
/// `--fit` keys in command-line order.
fn fits(spec: &CalibrationSpec, given: &[Fit]) -> Vec<Fit> {
    let mut fits = spec.fit.clone();
    for f in given {
        match fits.iter_mut().find(|g| g.key == f.key) {
            Some(g) => *g = f.clone(),
            None => fits.push(f.clone()),
        }
    }
    fits
}

/// Writes the calibration's files into `dir`.
fn write(c: &cal::report::result::Calibration, dir: &std::path::Path) -> Result<()> {
    c.write_posterior(&dir.join("posterior.csv"))?;
    c.write_generations(&dir.join("calibration.csv"))?;
    report::csv::write_summary_of(
        &c.dates,
        &c.columns,
        &c.predictive,
        &dir.join("summary.csv"),
    )?;
    let charts = cal::report::chart::draw_all(c, dir)?;
    cal::report::page::write(
        c,
        &charts,
        &[
            "posterior.csv",
            "calibration.csv",
            "summary.csv",
            "manifest.json",
        ],
        &dir.join("report.html"),
    )
}

//! `picsim calibrate --check N`: simulation-based calibration of the calibration the same
//! command line would run (`crate::calibration::sbc`), repeat after repeat with a progress bar, the
//! finished repeats and the running repeat's generations kept for `--resume`, and the folder
//! written: `sbc.csv`, `coverage.csv`, `sbc_ecdf.png` and `report.html`.

use super::calibrate::{Setup, bar_progress, generation_line};
use super::plan;
use crate::calibration::sbc::result::CheckResult;
use crate::calibration::sbc::{self, Ranked, saved};
use crate::calibration::simulate::Progress;
use crate::calibration::{checkpoint, smc};
use crate::cli::CalibrateArgs;
use crate::comm::Comm;
use anyhow::{Context, Result};
use std::path::Path;
use std::process::ExitCode;

/// Checks the calibration `set` describes with `repeats` repeats and writes the check's folder.
pub(super) fn check(
    args: &CalibrateArgs,
    set: &Setup,
    repeats: usize,
    comm: &dyn Comm,
) -> Result<ExitCode> {
    let s = &set.loaded.scenario;
    let world = &args.output.world;
    let prepared = plan::prepare(s, world, comm.rank() == 0)?;
    let quiet = args.output.quiet || comm.rank() != 0;
    let bar = super::progress::progress_bar(set.settings.particles as u64, quiet, &s.name);
    let progress = |p: Progress| bar_progress(&bar, &s.name, p);
    let simulator = set.simulator(comm, &progress);
    for corner in [0.0, 1.0] {
        simulator.scenario(&vec![corner; set.fits.len()], None)?;
    }
    // The number of repeats is not part of what a check is: an interrupted check of 100 repeats
    // may go on to 200.
    let (staging, kept, identity) =
        set.folder(args, ("calibrate --check", "check"), prepared.threads, comm)?;
    let dims = set.fits.len();
    let mut ranked = finished_repeats(comm, kept.as_deref(), args.resume, dims)?;
    ranked.truncate(repeats * dims);
    let expected = set.checkpoint_shape();
    let mut start = |repeat: usize| -> Result<Option<smc::State<Vec<i64>>>> {
        let state = match &kept {
            Some(dir) if args.resume => {
                checkpoint::load(&saved::repeat_dir(dir, repeat), &expected)?
            }
            _ => None,
        };
        checkpoint::share(comm, state)
    };
    let mut finished = |repeat: usize, g: &smc::Generation<Vec<i64>>, h: &[smc::Stats]| {
        if let Some(dir) = &kept {
            checkpoint::save(&saved::repeat_dir(dir, repeat), g, h)?;
        }
        bar.println(format!("repeat {repeat}, {}", generation_line(g)));
        Ok(())
    };
    let screen = set.screen_simulator(comm, &progress);
    let mut calibrations = sbc::Sampler {
        simulator: &simulator,
        screen: screen
            .as_ref()
            .map(|s| (s, crate::calibration::SCREEN_CONTINUATION)),
        settings: set.settings,
        start: &mut start,
        finished: &mut finished,
    };
    let mut check = sbc::Check {
        simulator: set.simulator(comm, &progress),
        seed: s.seed,
        dates: &set.dates,
        columns: &set.columns,
    };
    for repeat in ranked.len() / dims..repeats {
        let rows = check.repeat(repeat, &mut calibrations)?;
        bar.println(format!(
            "repeat {repeat} done: ranks {}",
            rows.iter()
                .map(|r| format!("{} of {}", r.rank, r.draws))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        ranked.extend(rows);
        if let Some(dir) = &kept {
            saved::save(dir, &ranked)?;
        }
    }
    bar.finish_and_clear();
    let Some(staging) = staging else {
        return Ok(ExitCode::SUCCESS);
    };
    let settings = format!(
        "{} particles, at most {} simulations and {} generations",
        set.settings.particles, set.settings.max_simulations, set.settings.max_generations
    );
    let result = CheckResult::new(
        &s.name,
        &set.observed_path.display().to_string(),
        set.observed.observations.len(),
        &set.fits,
        ranked,
        settings,
    );
    let manifest = serde_json::json!({
        "picsim_version": env!("CARGO_PKG_VERSION"),
        "command": "calibrate --check",
        "command_line": std::env::args().collect::<Vec<_>>(),
        "scenario": {
            "path": args.scenario.display().to_string(),
            "effective": crate::output::manifest::toml_to_json(&toml::Value::Table(s.effective.clone())),
        },
        "identity": identity,
        "repeats": repeats,
        "threads": prepared.threads,
        "ranks": comm.size(),
        "wall_seconds": set.loaded.started.elapsed().as_secs_f64(),
        "note": "everything but the timings, threads and ranks is the same for any thread and rank count",
    });
    staging.fill(|dir| {
        write(&result, dir)?;
        let path = dir.join("manifest.json");
        std::fs::write(&path, serde_json::to_vec_pretty(&manifest)?)
            .with_context(|| format!("could not write '{}'", path.display()))
    })?;
    let target = staging.commit()?;
    plan::close(
        &target,
        args.output.quiet,
        set.loaded.started,
        |report, seconds| format!("{}({seconds:.1} s)\n", result.terminal(report)),
    );
    Ok(ExitCode::SUCCESS)
}

/// The repeats an interrupted check finished (rank 0 reads them and tells the other ranks).
fn finished_repeats(
    comm: &dyn Comm,
    kept: Option<&Path>,
    resume: bool,
    dims: usize,
) -> Result<Vec<Ranked>> {
    let mine = match kept {
        Some(dir) if resume => saved::load(dir, dims)?,
        _ => Vec::new(),
    };
    if comm.size() == 1 {
        return Ok(mine);
    }
    let bytes = if comm.rank() == 0 {
        serde_json::to_vec(&mine)?
    } else {
        Vec::new()
    };
    let all = comm.all_gather(bytes);
    serde_json::from_slice(all.first().map_or(&[][..], Vec::as_slice))
        .context("rank 0 sent an unreadable list of finished repeats")
}

/// Writes the check's files into `dir`.
fn write(c: &CheckResult, dir: &Path) -> Result<()> {
    c.write_ranks(&dir.join("sbc.csv"))?;
    c.write_coverage(&dir.join("coverage.csv"))?;
    let chart = sbc::chart::draw(c, dir)?;
    sbc::page::write(
        c,
        &chart,
        &["sbc.csv", "coverage.csv", "manifest.json"],
        &dir.join("report.html"),
    )
}

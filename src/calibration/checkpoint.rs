//! A calibration's checkpoint: after each generation, what the sampler needs to go on (every
//! generation's stats, the last one's particles and their simulations' rows), saved in the kept
//! part of the unfinished output folder (`<folder>.partial/`, whose record says which calibration
//! it is, so that `--resume` continues only the same one: `crate::report::staging`). Each file is
//! written whole and renamed into place, so an interruption leaves the previous checkpoint. Rank
//! 0 reads it and tells the other ranks the particles (their rows stay on rank 0, which alone
//! measures simulations).

use super::smc::{Generation, Particle, State, Stats};
use crate::comm::Comm;
use anyhow::{Context, Result, bail};
use std::path::Path;

/// What is saved of a particle besides its rows.
#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    u: Vec<f64>,
    weight: f64,
    distance: f64,
    /// Its proposal slot (which names its world).
    slot: usize,
}

/// A generation's stats as saved (JSON has no infinity: generation 0's tolerance is `None`).
#[derive(serde::Serialize, serde::Deserialize)]
struct SavedStats {
    generation: usize,
    tolerance: Option<f64>,
    simulations: usize,
    /// Proposals screened on the small world (absent before screening existed: none).
    #[serde(default)]
    screened: usize,
    acceptance: f64,
    ess: f64,
    /// Whether its posterior had settled (absent before that rule existed: no).
    #[serde(default)]
    settled: bool,
}

impl From<&Stats> for SavedStats {
    fn from(s: &Stats) -> SavedStats {
        SavedStats {
            generation: s.generation,
            tolerance: s.tolerance.is_finite().then_some(s.tolerance),
            simulations: s.simulations,
            screened: s.screened,
            acceptance: s.acceptance,
            ess: s.ess,
            settled: s.settled,
        }
    }
}

impl From<&SavedStats> for Stats {
    fn from(s: &SavedStats) -> Stats {
        Stats {
            generation: s.generation,
            tolerance: s.tolerance.unwrap_or(f64::INFINITY),
            simulations: s.simulations,
            screened: s.screened,
            acceptance: s.acceptance,
            ess: s.ess,
            settled: s.settled,
        }
    }
}

/// The state file.
#[derive(serde::Serialize, serde::Deserialize)]
struct StateFile {
    history: Vec<SavedStats>,
    particles: Vec<Saved>,
    /// Values per particle's rows.
    row_len: usize,
}

/// Saves `last` and `history` into `dir` (created if need be).
pub(crate) fn save(dir: &Path, last: &Generation<Vec<i64>>, history: &[Stats]) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("could not create the checkpoint '{}'", dir.display()))?;
    let row_len = last.particles.first().map_or(0, |p| p.data.len());
    let mut rows = Vec::with_capacity(last.particles.len() * row_len * 8);
    for p in &last.particles {
        anyhow::ensure!(
            p.data.len() == row_len,
            "particles with rows of different sizes"
        );
        for v in &p.data {
            rows.extend_from_slice(&v.to_le_bytes());
        }
    }
    let state = StateFile {
        history: history.iter().map(SavedStats::from).collect(),
        particles: last
            .particles
            .iter()
            .map(|p| Saved {
                u: p.u.clone(),
                weight: p.weight,
                distance: p.distance,
                slot: p.slot,
            })
            .collect(),
        row_len,
    };
    // Rows first: a state file always finds the rows it was saved with.
    let generation = history.last().map_or(0, |h| h.generation);
    write_whole(&dir.join(format!("rows-{generation}.bin")), &rows)?;
    write_whole(&dir.join("state.json"), &serde_json::to_vec(&state)?)?;
    // Older generations' rows are not needed any more.
    for g in 0..generation {
        let _ = std::fs::remove_file(dir.join(format!("rows-{g}.bin")));
    }
    Ok(())
}

/// The checkpoint in `dir`, if there is one: the last generation and every generation's stats.
/// Refused when it belongs to another calibration.
pub(crate) fn load(dir: &Path) -> Result<Option<State<Vec<i64>>>> {
    let path = dir.join("state.json");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("could not read '{}'", path.display())),
    };
    let state: StateFile = serde_json::from_slice(&bytes)
        .with_context(|| format!("'{}' is not a calibration checkpoint", path.display()))?;
    let history: Vec<Stats> = state.history.iter().map(Stats::from).collect();
    let Some(stats) = history.last().copied() else {
        return Ok(None);
    };
    let rows_path = dir.join(format!("rows-{}.bin", stats.generation));
    let rows = std::fs::read(&rows_path)
        .with_context(|| format!("could not read '{}'", rows_path.display()))?;
    if rows.len() != state.particles.len() * state.row_len * 8 {
        bail!("'{}' is cut short", rows_path.display());
    }
    let mut chunks = rows.chunks_exact(8).map(|c| {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        i64::from_le_bytes(b)
    });
    let particles = state
        .particles
        .into_iter()
        .map(|s| Particle {
            u: s.u,
            weight: s.weight,
            distance: s.distance,
            slot: s.slot,
            data: chunks.by_ref().take(state.row_len).collect(),
        })
        .collect();
    Ok(Some((Generation { particles, stats }, history)))
}

/// The state rank 0 read (`state` there; ignored elsewhere), on every rank: the particles' values,
/// weights and distances and every generation's stats (the rows stay on rank 0).
pub(crate) fn share(
    comm: &dyn Comm,
    state: Option<State<Vec<i64>>>,
) -> Result<Option<State<Vec<i64>>>> {
    if comm.size() == 1 {
        return Ok(state);
    }
    let light = |s: &State<Vec<i64>>| StateFile {
        history: s.1.iter().map(SavedStats::from).collect(),
        particles: s
            .0
            .particles
            .iter()
            .map(|p| Saved {
                u: p.u.clone(),
                weight: p.weight,
                distance: p.distance,
                slot: p.slot,
            })
            .collect(),
        row_len: 0,
    };
    let bytes = match (comm.rank(), &state) {
        (0, Some(s)) => serde_json::to_vec(&Some(light(s)))?,
        (0, None) => serde_json::to_vec(&None::<StateFile>)?,
        _ => Vec::new(),
    };
    let all = comm.all_gather(bytes);
    if comm.rank() == 0 {
        return Ok(state);
    }
    let got: Option<StateFile> = serde_json::from_slice(all.first().map_or(&[][..], Vec::as_slice))
        .context("rank 0 sent an unreadable checkpoint")?;
    Ok(got.and_then(|f| {
        let history: Vec<Stats> = f.history.iter().map(Stats::from).collect();
        let stats = *history.last()?;
        let particles = f
            .particles
            .into_iter()
            .map(|s| Particle {
                u: s.u,
                weight: s.weight,
                distance: s.distance,
                slot: s.slot,
                data: Vec::new(),
            })
            .collect();
        Some((Generation { particles, stats }, history))
    }))
}

/// Writes `bytes` to `path` through a temporary file renamed into place.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("could not write '{}'", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("could not write '{}'", path.display()))
}

//! A calibration's checkpoint: after each generation, what the sampler needs to go on (every
//! generation's stats, the last one's particles and their simulations' rows), saved in the kept
//! part of the unfinished output folder (`<folder>.partial/`, whose record says which calibration
//! it is, so that `--resume` continues only the same one: `crate::output::staging`). Each file is
//! written whole and renamed into place, so an interruption leaves the previous checkpoint. Rank
//! 0 reads it and tells the other ranks the particles (their rows stay on rank 0, which alone
//! measures simulations).
//!
//! A checkpoint is trusted no further than it can be checked. `state.json` is sealed (its first
//! line holds the SHA-256 of the rest: `crate::output::sealed`) and holds the SHA-256 of the rows
//! file, so a damaged checkpoint (a flipped byte, a file cut short or swapped) is refused by its
//! digests; and since anyone can compute a
//! digest, every value is then checked against what the sampler can have saved ([`CheckpointShape`]):
//! sizes, points in the unit cube, weights that are positive and sum to 1, distances within their
//! generation's tolerance, a history whose numbers add up (screened generations and a settled
//! one included), slots that are the generation's proposals, counts that are counts. Refused, it is
//! named with the field and the reason, and nothing is resumed: never a different posterior, a
//! panic or a sampler that spins on an impossible weight. What cannot be told apart is a
//! checkpoint crafted with plausible values and its digest recomputed; it is resumed as written.

use super::smc::{
    Generation, MAX_PROPOSALS, Particle, SCREEN_CONTINUATION, SETTLED_ACCEPTANCE, State, Stats,
};
use crate::comm::Comm;
use crate::output::manifest::sha256_hex;
use crate::output::sealed::{seal, unseal};
use anyhow::{Context, Result, anyhow, bail};
use std::io::Read;
use std::path::Path;

/// What a checkpoint of this calibration can hold: its sizes and the sampler's limits.
#[derive(Debug, Clone, Copy)]
pub struct CheckpointShape {
    /// Particles per generation.
    pub particles: usize,
    /// Fitted keys (each particle's point has one coordinate per key).
    pub dims: usize,
    /// Values per particle's rows (reported days × the run's columns).
    pub row_len: usize,
    /// Most generations after the prior's.
    pub max_generations: usize,
    /// Most simulations in all.
    pub max_simulations: usize,
}

impl CheckpointShape {
    /// The largest `state.json` this calibration can write: per particle its point, weight and
    /// distance (at most 25 characters a number), per generation its stats, with room to spare.
    fn state_bytes(&self) -> u64 {
        let particle = 32 * (self.dims as u64 + 2) + 64;
        let generation = 256;
        4096 + self.particles as u64 * particle + (self.max_generations as u64 + 2) * generation
    }

    /// The size of a rows file.
    fn rows_bytes(&self) -> u64 {
        self.particles as u64 * self.row_len as u64 * 8
    }
}

/// What is saved of a particle besides its rows.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Saved {
    u: Vec<f64>,
    weight: f64,
    distance: f64,
    /// Its proposal slot (which names its world).
    slot: usize,
}

/// A generation's stats as saved (JSON has no infinity: generation 0's tolerance is `None`).
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct SavedStats {
    generation: usize,
    tolerance: Option<f64>,
    simulations: usize,
    /// Proposals screened on the small world (0 unscreened).
    screened: usize,
    acceptance: f64,
    ess: f64,
    /// Whether its posterior had settled.
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

/// The state: every generation's stats and the last one's particles.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    history: Vec<SavedStats>,
    particles: Vec<Saved>,
    /// Values per particle's rows.
    row_len: usize,
    /// The SHA-256 of the rows file (empty where no rows are sent: between ranks).
    #[serde(default)]
    rows_sha256: String,
}

/// `state.json` as a whole: its digest and the state.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Sealed {
    #[serde(rename = "sha256")]
    _sha256: String,
    state: StateFile,
}

/// `state.json`'s bytes for `state`: sealed.
fn sealed(state: &StateFile) -> Result<Vec<u8>> {
    let mut members = b"\"state\":".to_vec();
    members.extend(serde_json::to_vec(state)?);
    members.push(b'}');
    Ok(seal(&members))
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
        rows_sha256: sha256_hex(&rows),
        ..light(history, &last.particles, row_len)
    };
    // Rows first: a state file always finds the rows it was saved with.
    let generation = history.last().map_or(0, |h| h.generation);
    write_whole(&dir.join(format!("rows-{generation}.bin")), &rows)?;
    write_whole(&dir.join("state.json"), &sealed(&state)?)?;
    // Older generations' rows are not needed any more.
    for g in 0..generation {
        let _ = std::fs::remove_file(dir.join(format!("rows-{g}.bin")));
    }
    Ok(())
}

impl StateFile {
    /// The sampler's state this file holds: the last generation, its particles' rows taken in
    /// turn from `values` (`row_len` each), and every generation's stats; `None` when it holds no
    /// generation. The one way back from a file, whether read from disk (rows from the rows file)
    /// or received from rank 0 (no rows).
    fn restore(self, mut values: impl Iterator<Item = i64>) -> Option<State<Vec<i64>>> {
        let history: Vec<Stats> = self.history.iter().map(Stats::from).collect();
        let stats = *history.last()?;
        let particles = self
            .particles
            .into_iter()
            .map(|s| Particle {
                u: s.u,
                weight: s.weight,
                distance: s.distance,
                slot: s.slot,
                data: values.by_ref().take(self.row_len).collect(),
            })
            .collect();
        Some((Generation { particles, stats }, history))
    }
}

/// The state of `history` and `particles` (their rows aside): the one way to a file, as
/// [`StateFile::restore`] is the way back.
fn light<T>(history: &[Stats], particles: &[Particle<T>], row_len: usize) -> StateFile {
    StateFile {
        history: history.iter().map(SavedStats::from).collect(),
        particles: particles
            .iter()
            .map(|p| Saved {
                u: p.u.clone(),
                weight: p.weight,
                distance: p.distance,
                slot: p.slot,
            })
            .collect(),
        row_len,
        rows_sha256: String::new(),
    }
}

/// The checkpoint in `dir`, if there is one: the last generation and every generation's stats,
/// once its digest and every value are checked against `expected` (see the module's notes).
pub(crate) fn load(dir: &Path, expected: &CheckpointShape) -> Result<Option<State<Vec<i64>>>> {
    let path = dir.join("state.json");
    let name = path.display().to_string();
    let Some(bytes) = read_regular(&path, expected.state_bytes())? else {
        return Ok(None);
    };
    let refuse = |problem: String| {
        anyhow!("{name}{problem}; not resuming it: start afresh with --force (without --resume)")
    };
    unseal(&bytes).map_err(|e| refuse(format!(":1: sha256: {e}")))?;
    let sealed: Sealed = {
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let (line, column) = (e.inner().line(), e.inner().column());
            refuse(format!(
                ":{line}:{column}: {}: not what a checkpoint holds there ({})",
                e.path(),
                json_kind(e.inner())
            ))
        })?
    };
    let state = sealed.state;
    // The state's own line (after the digest's), for the problems found in it.
    let at = |(field, problem): (String, String)| refuse(format!(":2: {field}: {problem}"));
    let generation = check_history(&state.history, expected).map_err(at)?;
    let rows_path = dir.join(format!("rows-{generation}.bin"));
    let rows = read_regular(&rows_path, expected.rows_bytes())?.ok_or_else(|| {
        refuse(format!(
            ":2: history: the rows of its last generation, '{}', are missing",
            rows_path.display()
        ))
    })?;
    if sha256_hex(&rows) != state.rows_sha256 {
        return Err(refuse(format!(
            ":2: rows_sha256: '{}' is damaged (its digest does not match)",
            rows_path.display()
        )));
    }
    check(&state, expected, &rows).map_err(at)?;
    let values = rows.chunks_exact(8).map(|c| {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        i64::from_le_bytes(b)
    });
    Ok(state.restore(values))
}

/// What kind of JSON error `e` is, for people (its own message may quote the file).
fn json_kind(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Syntax => "not JSON",
        serde_json::error::Category::Data => "a value of the wrong kind or a field that is not one",
        serde_json::error::Category::Eof => "cut short",
        serde_json::error::Category::Io => "unreadable",
    }
}

/// The bytes of the regular file `path` (`None` when there is none), refused when it is larger
/// than `most` or not a regular file (a link is followed).
fn read_regular(path: &Path, most: u64) -> Result<Option<Vec<u8>>> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("could not read '{}'", path.display())),
    };
    if !meta.is_file() {
        bail!(
            "{}: not a regular file; a checkpoint's files are written by picsim: start afresh with --force (without --resume)",
            path.display()
        );
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(most + 1).read_to_end(&mut bytes))
        .with_context(|| format!("could not read '{}'", path.display()))?;
    if bytes.len() as u64 > most {
        bail!(
            "{}: larger than this calibration's checkpoint can be ({most} bytes); not resuming it: start afresh with --force (without --resume)",
            path.display()
        );
    }
    Ok(Some(bytes))
}

/// Tolerance of the sums the sampler makes (weights summing to 1, the effective sample size).
const SUM_TOLERANCE: f64 = 1e-9;

/// Whether `state` (of `generation`, with `rows`) is what this calibration's sampler can have
/// saved; else the field and what is wrong with it.
fn check(
    state: &StateFile,
    expected: &CheckpointShape,
    rows: &[u8],
) -> std::result::Result<(), (String, String)> {
    let n = expected.particles;
    let generation = state.history.len().saturating_sub(1);
    let tolerance = state
        .history
        .last()
        .and_then(|h| h.tolerance)
        .unwrap_or(f64::INFINITY);
    if state.particles.len() != n {
        return Err((
            "particles".into(),
            format!(
                "{} particles, where this calibration keeps {n}",
                state.particles.len()
            ),
        ));
    }
    // Each particle is one of its generation's proposals, which number them from 0.
    let proposals = state
        .history
        .last()
        .map_or(0, |h| h.screened.max(h.simulations));
    let mut slots = std::collections::HashSet::with_capacity(n);
    let mut sum = 0.0;
    let mut squares = 0.0;
    for (i, p) in state.particles.iter().enumerate() {
        let at = |f: &str| format!("particles[{i}].{f}");
        if p.u.len() != expected.dims {
            let problem = format!(
                "{} coordinates for {} fitted keys",
                p.u.len(),
                expected.dims
            );
            return Err((at("u"), problem));
        }
        if let Some(k) = p.u.iter().position(|x| !(0.0..=1.0).contains(x)) {
            return Err((format!("particles[{i}].u[{k}]"), "outside [0, 1]".into()));
        }
        if !(p.weight.is_finite() && p.weight > 0.0 && p.weight <= 1.0) {
            return Err((at("weight"), "not a weight (above 0, at most 1)".into()));
        }
        if !(p.distance.is_finite() && p.distance >= 0.0 && p.distance <= tolerance) {
            let problem = "not a distance within the generation's tolerance (finite, from 0)";
            return Err((at("distance"), problem.into()));
        }
        if p.slot >= proposals || !slots.insert(p.slot) {
            let problem = "not one of the generation's proposals, once each";
            return Err((at("slot"), problem.into()));
        }
        sum += p.weight;
        squares += p.weight * p.weight;
    }
    if (sum - 1.0).abs() > SUM_TOLERANCE * n as f64 {
        return Err(("particles".into(), "weights that do not sum to 1".into()));
    }
    let ess = state.history.last().map_or(0.0, |h| h.ess);
    if (ess - 1.0 / squares).abs() > 1e-6 * ess.abs().max(1.0) {
        let problem = "not the effective sample size of the particles' weights";
        return Err((format!("history[{generation}].ess"), problem.into()));
    }
    if state.row_len != expected.row_len {
        let problem = format!(
            "{} values per particle, where this calibration's runs report {}",
            state.row_len, expected.row_len
        );
        return Err(("row_len".into(), problem));
    }
    if rows.len() as u64 != expected.rows_bytes() {
        return Err(("rows".into(), "a rows file of the wrong size".into()));
    }
    // A negative little-endian i64 has the top bit of its last byte set.
    if let Some(k) = rows.chunks_exact(8).position(|c| c[7] & 0x80 != 0) {
        let problem = format!("value {k} is negative, and every value a run reports is a count");
        return Err(("rows".into(), problem));
    }
    // A count above 2^48 (far past persons × contacts of any world that fits in memory) could
    // make a share's sum of counts overflow.
    if let Some(k) = rows.chunks_exact(8).position(|c| c[6] != 0 || c[7] != 0) {
        let problem = format!("value {k} is larger than any count a run reports (2^48)");
        return Err(("rows".into(), problem));
    }
    Ok(())
}

/// Whether `history` is one the sampler can have made; its last generation's number.
fn check_history(
    history: &[SavedStats],
    expected: &CheckpointShape,
) -> std::result::Result<usize, (String, String)> {
    let n = expected.particles;
    if history.is_empty() || history.len() > expected.max_generations + 1 {
        let problem = format!(
            "{} generations, where this calibration runs from 1 to {}",
            history.len(),
            expected.max_generations + 1
        );
        return Err(("history".into(), problem));
    }
    let mut used = 0usize;
    for (g, h) in history.iter().enumerate() {
        let at = |f: &str| format!("history[{g}].{f}");
        if h.generation != g {
            return Err((at("generation"), format!("not {g}, its place")));
        }
        match (g, h.tolerance) {
            (0, None) => {}
            (0, Some(_)) => return Err((at("tolerance"), "generation 0 has none".into())),
            (_, Some(t)) if t.is_finite() && t >= 0.0 => {}
            _ => return Err((at("tolerance"), "not a tolerance (finite, from 0)".into())),
        }
        if h.simulations < n || (g == 0 && h.simulations != n) {
            let problem = format!("fewer simulations than the {n} particles kept");
            return Err((at("simulations"), problem));
        }
        used = used.saturating_add(h.simulations);
        check_screened(h, n).map_err(|(f, problem)| (at(f), problem))?;
        // Only the last generation can have settled (the sampler stops there), never the first
        // after the prior's, and only while keeping few of its proposals.
        let may_settle = g >= 2 && g + 1 == history.len() && h.acceptance < SETTLED_ACCEPTANCE;
        if h.settled && !may_settle {
            let problem = "a generation the sampler cannot have found settled";
            return Err((at("settled"), problem.into()));
        }
        if !(h.ess.is_finite()
            && h.ess >= 1.0 - SUM_TOLERANCE
            && h.ess <= n as f64 * (1.0 + SUM_TOLERANCE))
        {
            let problem = format!("not an effective sample size of {n} particles");
            return Err((at("ess"), problem));
        }
    }
    if used > expected.max_simulations {
        let problem = format!(
            "{used} simulations in all, more than this calibration's {}",
            expected.max_simulations
        );
        return Err(("history".into(), problem));
    }
    Ok(history.len() - 1)
}

/// Whether `h`'s acceptance and screened proposals are what a generation keeping `n` particles
/// can have counted; else the field and what is wrong. Unscreened, it kept `n` of its
/// simulations; screened, every proposal went through the small world, at most all of them on
/// to the full one, and each kept one counts by its weight factor: from 1 to
/// 1/[`SCREEN_CONTINUATION`].
fn check_screened(h: &SavedStats, n: usize) -> std::result::Result<(), (&'static str, String)> {
    if h.screened == 0 {
        if h.acceptance != n as f64 / h.simulations as f64 {
            let problem = "not the share of its simulations the generation kept";
            return Err(("acceptance", problem.into()));
        }
        return Ok(());
    }
    if h.generation == 0 || h.screened < h.simulations || h.screened > MAX_PROPOSALS {
        let problem = "not the proposals a screened generation decided (from its simulations \
                       to the most one generation proposes; none in generation 0)";
        return Err(("screened", problem.into()));
    }
    let (least, most) = (n as f64, n as f64 / SCREEN_CONTINUATION);
    let counted = h.acceptance * h.screened as f64;
    if !(counted.is_finite()
        && counted >= least * (1.0 - SUM_TOLERANCE)
        && counted <= most * (1.0 + SUM_TOLERANCE))
    {
        let problem = "not the share of its proposals a screened generation kept";
        return Err(("acceptance", problem.into()));
    }
    Ok(())
}

/// The checkpoint in `dir` checked as `picsim calibrate --resume` checks it before resuming,
/// for tools and for this door's fuzzer: the number of generations it holds (`None` when there
/// is none), or why it is refused.
pub fn check_checkpoint(dir: &Path, expected: &CheckpointShape) -> Result<Option<usize>> {
    Ok(load(dir, expected)?.map(|(_, history)| history.len()))
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
    let bytes = match (comm.rank(), &state) {
        (0, Some(s)) => serde_json::to_vec(&Some(light(&s.1, &s.0.particles, 0)))?,
        (0, None) => serde_json::to_vec(&None::<StateFile>)?,
        _ => Vec::new(),
    };
    let all = comm.all_gather(bytes);
    if comm.rank() == 0 {
        return Ok(state);
    }
    let got: Option<StateFile> = serde_json::from_slice(all.first().map_or(&[][..], Vec::as_slice))
        .context("rank 0 sent an unreadable checkpoint")?;
    // Rank 0 sent the state without its rows (`row_len` 0): each particle's rows are empty.
    Ok(got.and_then(|f| f.restore(std::iter::empty())))
}

/// Writes `bytes` to `path` through a temporary file renamed into place.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("could not write '{}'", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("could not write '{}'", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPE: CheckpointShape = CheckpointShape {
        particles: 4,
        dims: 2,
        row_len: 3,
        max_generations: 3,
        max_simulations: 40,
    };

    /// Generation 1 of a calibration of [`SHAPE`], as the sampler leaves it.
    fn state() -> State<Vec<i64>> {
        let weights = [0.1, 0.2, 0.3, 0.4];
        let particles: Vec<Particle<Vec<i64>>> = (0..4)
            .map(|i| Particle {
                u: vec![0.25 * i as f64, 1.0 - 0.2 * i as f64],
                weight: weights[i],
                distance: 0.5 + 0.1 * i as f64,
                slot: [7, 2, 9, 0][i],
                data: vec![i as i64, 10, 100],
            })
            .collect();
        let history = vec![
            Stats {
                generation: 0,
                tolerance: f64::INFINITY,
                simulations: 4,
                screened: 0,
                acceptance: 1.0,
                ess: 4.0,
                settled: false,
            },
            Stats {
                generation: 1,
                tolerance: 0.9,
                simulations: 10,
                screened: 0,
                acceptance: 4.0 / 10.0,
                ess: 1.0 / weights.iter().map(|w| w * w).sum::<f64>(),
                settled: false,
            },
        ];
        let stats = history[1];
        (Generation { particles, stats }, history)
    }

    /// `state.json` in `dir` with `edit` applied to its state, sealed anew (as a crafted file).
    fn crafted(dir: &Path, edit: impl FnOnce(&mut serde_json::Value)) {
        let path = dir.join("state.json");
        let whole: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let mut state = whole["state"].clone();
        edit(&mut state);
        let members = format!("\"state\":{state}}}");
        std::fs::write(&path, seal(members.as_bytes())).unwrap();
    }

    #[test]
    fn a_checkpoint_reads_back_as_saved() {
        let dir = tempfile::tempdir().unwrap();
        let (last, history) = state();
        save(dir.path(), &last, &history).unwrap();
        let (again, history_again) = load(dir.path(), &SHAPE).unwrap().unwrap();
        assert_eq!((again, history_again), (last, history));
        assert_eq!(check_checkpoint(dir.path(), &SHAPE).unwrap(), Some(2));
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(check_checkpoint(empty.path(), &SHAPE).unwrap(), None);
    }

    /// A screened generation that settled, with slots beyond its full simulations (numbered
    /// among its screened proposals), reads back as saved.
    #[test]
    fn a_screened_settled_generation_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let (mut last, mut history) = state();
        let mut stats = history[1];
        stats.generation = 2;
        stats.simulations = 8;
        stats.screened = 60;
        // Kept 4 particles, one of them screened out and simulated all the same (factor 4).
        stats.acceptance = 7.0 / 60.0;
        stats.settled = true;
        history.push(stats);
        last.stats = stats;
        last.particles[2].slot = 59;
        save(dir.path(), &last, &history).unwrap();
        let (again, history_again) = load(dir.path(), &SHAPE).unwrap().unwrap();
        assert_eq!((again, history_again), (last, history));
    }

    /// An edit of a saved state's JSON.
    type Edit = fn(&mut serde_json::Value);

    /// Saves [`state`], applies `edit` to it (sealed anew) and checks that loading it is refused
    /// with a message holding `wanted`.
    fn refused(edit: Edit, wanted: &str) {
        let dir = tempfile::tempdir().unwrap();
        let (last, history) = state();
        save(dir.path(), &last, &history).unwrap();
        crafted(dir.path(), edit);
        let e = format!("{:#}", load(dir.path(), &SHAPE).unwrap_err());
        assert!(e.contains(wanted), "{wanted}: {e}");
        assert!(
            e.contains("state.json:") && e.contains("not resuming it"),
            "{e}"
        );
    }

    #[test]
    fn every_impossible_value_is_refused_by_its_field() {
        let cases: [(Edit, &str); 19] = [
            (
                |s| s["particles"][1]["slot"] = 10.into(),
                "particles[1].slot: not one of the generation's proposals",
            ),
            (
                |s| s["particles"][1]["slot"] = 7.into(),
                "particles[1].slot: not one of the generation's proposals, once each",
            ),
            (
                |s| s["history"][1]["settled"] = true.into(),
                "history[1].settled: a generation the sampler cannot have found settled",
            ),
            (
                |s| {
                    s["history"][1]["screened"] = 8.into();
                    s["history"][1]["acceptance"] = 0.5.into();
                },
                "history[1].screened: not the proposals a screened generation decided",
            ),
            (
                |s| {
                    s["history"][1]["screened"] = 20.into();
                    s["history"][1]["acceptance"] = 0.9.into();
                },
                "history[1].acceptance: not the share of its proposals a screened generation kept",
            ),
            (
                |s| s["particles"][0]["u"][1] = (-0.1).into(),
                "particles[0].u[1]: outside [0, 1]",
            ),
            (
                |s| s["particles"][3]["u"] = serde_json::json!([0.5]),
                "particles[3].u: 1 coordinates",
            ),
            (
                |s| s["particles"][1]["weight"] = (-0.2).into(),
                "particles[1].weight: not a weight",
            ),
            (
                |s| s["particles"][1]["weight"] = 1e308.into(),
                "particles[1].weight: not a weight",
            ),
            (
                |s| s["particles"][1]["weight"] = 0.25.into(),
                "particles: weights that do not sum to 1",
            ),
            (
                |s| s["particles"][2]["distance"] = 0.95.into(),
                "particles[2].distance: not a distance within",
            ),
            (
                |s| s["particles"][2]["distance"] = (-1.0).into(),
                "particles[2].distance",
            ),
            (
                |s| {
                    s["particles"].as_array_mut().unwrap().pop();
                },
                "particles: 3 particles, where this calibration keeps 4",
            ),
            (
                |s| s["history"][1]["generation"] = 2.into(),
                "history[1].generation: not 1",
            ),
            (
                |s| s["history"][1]["tolerance"] = serde_json::Value::Null,
                "history[1].tolerance",
            ),
            (
                |s| s["history"][0]["tolerance"] = 1.0.into(),
                "history[0].tolerance: generation 0 has none",
            ),
            (
                |s| {
                    s["history"][1]["simulations"] = 39.into();
                    s["history"][1]["acceptance"] = (4.0 / 39.0).into();
                },
                "history: 43 simulations in all, more than this calibration's 40",
            ),
            (
                |s| s["history"][1]["ess"] = 3.0.into(),
                "history[1].ess: not the effective sample size",
            ),
            (
                |s| s["row_len"] = 2.into(),
                "row_len: 2 values per particle",
            ),
        ];
        for (edit, wanted) in cases {
            refused(edit, wanted);
        }
    }

    #[test]
    fn damaged_files_are_refused_by_their_digests() {
        let dir = tempfile::tempdir().unwrap();
        let (last, history) = state();
        save(dir.path(), &last, &history).unwrap();
        let state_path = dir.path().join("state.json");
        let rows_path = dir.path().join("rows-1.bin");
        let good_state = std::fs::read(&state_path).unwrap();
        let good_rows = std::fs::read(&rows_path).unwrap();
        // A byte of the state changed; a byte of the rows; rows cut short.
        let mut bad = good_state.clone();
        let at = bad.len() - 10;
        bad[at] ^= 1;
        std::fs::write(&state_path, &bad).unwrap();
        let e = format!("{:#}", load(dir.path(), &SHAPE).unwrap_err());
        assert!(
            e.contains("state.json:1: sha256: its digest does not match"),
            "{e}"
        );
        std::fs::write(&state_path, &good_state).unwrap();
        let mut bad = good_rows.clone();
        bad[9] ^= 4;
        std::fs::write(&rows_path, &bad).unwrap();
        let e = format!("{:#}", load(dir.path(), &SHAPE).unwrap_err());
        assert!(
            e.contains("rows_sha256") && e.contains("rows-1.bin' is damaged"),
            "{e}"
        );
        std::fs::write(&rows_path, &good_rows[..16]).unwrap();
        assert!(load(dir.path(), &SHAPE).is_err());
        std::fs::remove_file(&rows_path).unwrap();
        let e = format!("{:#}", load(dir.path(), &SHAPE).unwrap_err());
        assert!(e.contains("rows-1.bin', are missing"), "{e}");
        // Rows that are not counts, with digests recomputed: refused by value.
        let mut rows = good_rows.clone();
        rows[8..16].copy_from_slice(&(-5i64).to_le_bytes());
        std::fs::write(&rows_path, &rows).unwrap();
        std::fs::write(&state_path, &good_state).unwrap();
        crafted(dir.path(), |s| s["rows_sha256"] = sha256_hex(&rows).into());
        let e = format!("{:#}", load(dir.path(), &SHAPE).unwrap_err());
        assert!(e.contains("rows: value 1 is negative"), "{e}");
        rows[8..16].copy_from_slice(&(1i64 << 48).to_le_bytes());
        std::fs::write(&rows_path, &rows).unwrap();
        std::fs::write(&state_path, &good_state).unwrap();
        crafted(dir.path(), |s| s["rows_sha256"] = sha256_hex(&rows).into());
        let e = format!("{:#}", load(dir.path(), &SHAPE).unwrap_err());
        assert!(e.contains("rows: value 1 is larger than any count"), "{e}");
        // A checkpoint without a digest (an older picsim's).
        let whole: serde_json::Value = serde_json::from_slice(&good_state).unwrap();
        std::fs::write(&state_path, whole["state"].to_string()).unwrap();
        let e = format!("{:#}", load(dir.path(), &SHAPE).unwrap_err());
        assert!(
            e.contains("state.json:1: sha256: its first line is not the digest"),
            "{e}"
        );
        // Too large to be this calibration's.
        std::fs::write(&state_path, vec![b' '; 1 << 20]).unwrap();
        let e = format!("{:#}", load(dir.path(), &SHAPE).unwrap_err());
        assert!(
            e.contains("larger than this calibration's checkpoint can be"),
            "{e}"
        );
    }
}

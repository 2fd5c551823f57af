//! Seeded mutation fuzzers over three doors a user hands picsim files through, in the style of
//! `fuzz.rs`: a world folder (`picsim validate` and `run --world`: [`world`]), a calibration's
//! checkpoint (`calibrate --resume`: [`checkpoint`]) and observations (`calibrate --observed`:
//! [`observed`]). Each door mutates valid seed files (bytes flipped, cut, spliced; cells,
//! lines, columns and, for a checkpoint, JSON values replaced, with and without a digest of
//! their own), runs the door's own check in process, and classifies the outcome: accepted,
//! refused with a position, refused without one, or a panic; the slowest input is kept.
//!
//! Input `i` of seed `s` depends on `(s, i)` alone, so a pass splits over any number of threads
//! and gives the same counts. The short passes run with the other tests (a few seconds each);
//! `fuzz/doors.sh DOOR N SEED` runs a long one ([`long_run`] of each door, ignored otherwise)
//! under a 4 GiB address-space limit and saves what it finds under `fuzz/results/`. An abort
//! (an allocation refused by the limit) ends that process: the script reports its exit status.

mod checkpoint;
mod observed;
mod world;

use crate::fuzz::{catch, shape};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// What one input came to.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    Accepted,
    Positioned,
    /// The message lines without a position.
    Unpositioned(Vec<String>),
    /// Where and why.
    Panic(String),
}

/// A door: how to make its inputs and check them as picsim does.
pub(crate) trait Door: Sync {
    /// What one thread writes its inputs into (a private folder, what is loaded once for it).
    type Space;
    /// The door's name, for messages and result folders.
    fn name(&self) -> &'static str;
    /// A fresh space for one thread.
    fn space(&self) -> Self::Space;
    /// Input `i` of `seed`: each file's name and bytes.
    fn input(&self, seed: u64, i: u64) -> Vec<(String, Vec<u8>)>;
    /// Writes `files` into `space` and checks them as picsim would: the lines of the refusal
    /// (empty: accepted).
    fn check(&self, space: &mut Self::Space, files: &[(String, Vec<u8>)]) -> Vec<String>;
    /// Whether a refusal's line says where the problem is.
    fn positioned(&self, line: &str) -> bool;
    /// Whether a refusal's line shows what no message may (an address the inputs hold).
    fn leaks(&self, _line: &str) -> bool {
        false
    }
}

/// Whether `line` names one of `files` followed by `:N` with N > 0.
pub(crate) fn at_a_line(line: &str, files: &[&str]) -> bool {
    files.iter().any(|f| {
        let needle = format!("{f}:");
        line.match_indices(&needle).any(|(at, _)| {
            let digits: String = line[at + needle.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse::<u64>().is_ok_and(|n| n > 0)
        })
    })
}

/// Findings of one kind that share a shape.
#[derive(Debug, Clone)]
struct Group {
    count: u64,
    example: String,
    input: u64,
}

/// The counts of a pass and its findings.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub(crate) inputs: u64,
    pub(crate) accepted: u64,
    pub(crate) positioned: u64,
    pub(crate) unpositioned: u64,
    pub(crate) panics: u64,
    /// Inputs whose refusal shows what no message may.
    pub(crate) leaks: u64,
    /// The slowest input: seconds and index.
    pub(crate) slowest: (f64, u64),
    missing: BTreeMap<String, Group>,
    panicked: BTreeMap<String, Group>,
    leaked: BTreeMap<String, Group>,
    /// Refusals by shape (every kind seen, for the closing note).
    refusals: BTreeMap<String, Group>,
}

fn note(groups: &mut BTreeMap<String, Group>, message: &str, input: u64) {
    groups
        .entry(shape(message))
        .and_modify(|g| g.count += 1)
        .or_insert(Group {
            count: 1,
            example: message.to_string(),
            input,
        });
}

impl Tally {
    fn add(
        &mut self,
        i: u64,
        outcome: Outcome,
        seconds: f64,
        first: Option<&str>,
        leaks: &[String],
    ) {
        self.inputs += 1;
        if !leaks.is_empty() {
            self.leaks += 1;
        }
        for l in leaks {
            note(&mut self.leaked, l, i);
        }
        if seconds > self.slowest.0 {
            self.slowest = (seconds, i);
        }
        if let Some(line) = first {
            note(&mut self.refusals, line, i);
        }
        match outcome {
            Outcome::Accepted => self.accepted += 1,
            Outcome::Positioned => self.positioned += 1,
            Outcome::Unpositioned(lines) => {
                self.unpositioned += 1;
                for l in lines {
                    note(&mut self.missing, &l, i);
                }
            }
            Outcome::Panic(m) => {
                self.panics += 1;
                note(&mut self.panicked, &m, i);
            }
        }
    }

    fn merge(&mut self, other: Tally) {
        self.inputs += other.inputs;
        self.accepted += other.accepted;
        self.positioned += other.positioned;
        self.unpositioned += other.unpositioned;
        self.panics += other.panics;
        self.leaks += other.leaks;
        if other.slowest.0 > self.slowest.0 {
            self.slowest = other.slowest;
        }
        for (mine, theirs) in [
            (&mut self.missing, other.missing),
            (&mut self.panicked, other.panicked),
            (&mut self.leaked, other.leaked),
            (&mut self.refusals, other.refusals),
        ] {
            for (k, g) in theirs {
                mine.entry(k)
                    .and_modify(|m| {
                        m.count += g.count;
                        if g.input < m.input {
                            (m.example, m.input) = (g.example.clone(), g.input);
                        }
                    })
                    .or_insert(g);
            }
        }
    }

    pub(crate) fn counts(&self) -> String {
        format!(
            "inputs {}, accepted {}, refused with a position {}, refused without one {}, panics {}, showing an address {}; slowest input {:.3} s (input {}); {} kinds of refusal",
            self.inputs,
            self.accepted,
            self.positioned,
            self.unpositioned,
            self.panics,
            self.leaks,
            self.slowest.0,
            self.slowest.1,
            self.refusals.len()
        )
    }

    /// Every finding, one per line.
    pub(crate) fn findings(&self) -> String {
        let mut out = String::new();
        for (kind, groups) in [
            ("panic", &self.panicked),
            ("no position", &self.missing),
            ("address", &self.leaked),
        ] {
            for g in groups.values() {
                out.push_str(&format!(
                    "{kind} ×{}: {} (input {})\n",
                    g.count, g.example, g.input
                ));
            }
        }
        out
    }
}

/// Classifies what a check returned (its refusal's lines) or the panic it raised.
fn classify<D: Door>(door: &D, result: Result<Vec<String>, String>) -> Outcome {
    match result {
        Err(panic) => Outcome::Panic(panic),
        Ok(lines) if lines.is_empty() => Outcome::Accepted,
        Ok(lines) => {
            let missing: Vec<String> = lines.into_iter().filter(|l| !door.positioned(l)).collect();
            if missing.is_empty() {
                Outcome::Positioned
            } else {
                Outcome::Unpositioned(missing)
            }
        }
    }
}

/// Runs inputs `0..n` of `seed` through `door` on `threads` threads (input `i` on thread
/// `i % threads`).
pub(crate) fn pass<D: Door>(door: &D, seed: u64, n: u64, threads: u64) -> Tally {
    let started = Instant::now();
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut space = door.space();
                    let mut tally = Tally::default();
                    for i in (t..n).step_by(threads as usize) {
                        let files = door.input(seed, i);
                        let at = Instant::now();
                        let result = catch(|| door.check(&mut space, &files));
                        let seconds = at.elapsed().as_secs_f64();
                        if result.is_err() {
                            // What a panic left half written is not trusted.
                            space = door.space();
                        }
                        let lines = result.as_ref().map_or(&[][..], Vec::as_slice);
                        // The first problem (past a heading such as "the world cannot be
                        // replayed:"), for the kinds of refusal seen.
                        let first = lines
                            .iter()
                            .find(|l| l.starts_with("  "))
                            .or(lines.first())
                            .map(|l| l.trim().to_string());
                        let leaks: Vec<String> =
                            lines.iter().filter(|l| door.leaks(l)).cloned().collect();
                        let outcome = classify(door, result);
                        tally.add(i, outcome, seconds, first.as_deref(), &leaks);
                        if t == 0 && tally.inputs % 10_000 == 0 {
                            eprintln!(
                                "{}: {} inputs in {:.0} s",
                                door.name(),
                                tally.inputs * threads,
                                started.elapsed().as_secs_f64()
                            );
                        }
                    }
                    tally
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a fuzz worker"))
            .collect()
    });
    let mut total = Tally::default();
    for t in tallies {
        total.merge(t);
    }
    total
}

/// Asserts what a short pass must show: both accepted and refused inputs (the mutations reach
/// the checks and not every change is refused), no panic, every refusal placed.
pub(crate) fn assert_clean(name: &str, tally: &Tally, n: u64) {
    println!("{name}: {}", tally.counts());
    print!("{}", tally.findings());
    assert_eq!(tally.inputs, n);
    assert!(
        tally.accepted > 0 && tally.positioned > 0,
        "{}",
        tally.counts()
    );
    assert_eq!(tally.panics, 0, "{}", tally.findings());
    assert_eq!(tally.unpositioned, 0, "{}", tally.findings());
    assert_eq!(tally.leaks, 0, "{}", tally.findings());
}

/// The long pass of `door`: `DOOR_INPUTS` inputs (default 10^5) of `DOOR_SEED` (default 1) on
/// `DOOR_THREADS` threads (default 2), findings and every kind of refusal saved in
/// `DOOR_RESULTS` (default `fuzz/results/<door>-seed-S-n-N/`); with `DOOR_ONLY=i`, input `i`
/// alone, timed, its files saved there.
pub(crate) fn long_run<D: Door>(door: &D) {
    let var = |name: &str, default: u64| {
        std::env::var(name).map_or(default, |v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} must be a whole number"))
        })
    };
    let (n, seed, threads) = (
        var("DOOR_INPUTS", 100_000),
        var("DOOR_SEED", 1),
        var("DOOR_THREADS", 2).max(1),
    );
    let dir = std::env::var("DOOR_RESULTS").map_or_else(
        |_| {
            let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            root.join(format!("fuzz/results/{}-seed-{seed}-n-{n}", door.name()))
        },
        PathBuf::from,
    );
    if let Ok(only) = std::env::var("DOOR_ONLY") {
        // One input again, timed, its files saved: to look into what a pass found.
        let i: u64 = only.parse().expect("DOOR_ONLY must be a whole number");
        let files = door.input(seed, i);
        std::fs::create_dir_all(&dir).expect("the results folder");
        for (name, bytes) in &files {
            std::fs::write(dir.join(format!("input-{i}-{name}")), bytes).expect("an input file");
        }
        let mut space = door.space();
        let at = Instant::now();
        let result = catch(|| door.check(&mut space, &files));
        println!("input {i}: {:.3} s, {result:?}", at.elapsed().as_secs_f64());
        return;
    }
    let started = Instant::now();
    let tally = pass(door, seed, n, threads);
    let seconds = started.elapsed().as_secs_f64();
    save(door, seed, &tally, seconds, &dir).expect("save the findings");
    println!(
        "{}, seed {seed}: {}\n{seconds:.0} s, {:.0} inputs/s; findings in {}",
        door.name(),
        tally.counts(),
        n as f64 / seconds,
        dir.display()
    );
}

/// Writes a pass's counts, findings (each with the input that first showed it) and kinds of
/// refusal under `dir`.
fn save<D: Door>(
    door: &D,
    seed: u64,
    tally: &Tally,
    seconds: f64,
    dir: &Path,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut summary = format!(
        "{} seed {seed}\n{}\n{:.0} s, {:.0} inputs/s\n",
        door.name(),
        tally.counts(),
        seconds,
        tally.inputs as f64 / seconds
    );
    for (kind, groups) in [
        ("panic", &tally.panicked),
        ("no-position", &tally.missing),
        ("address", &tally.leaked),
        ("refusal", &tally.refusals),
    ] {
        let mut sorted: Vec<&Group> = groups.values().collect();
        sorted.sort_by(|a, b| b.count.cmp(&a.count).then(a.input.cmp(&b.input)));
        summary.push_str(&format!("\n{kind}: {} distinct\n", sorted.len()));
        for (k, g) in sorted.iter().enumerate() {
            summary.push_str(&format!(
                "{:>8}  {}  (input {})\n",
                g.count, g.example, g.input
            ));
            if kind != "refusal" {
                for (name, bytes) in door.input(seed, g.input) {
                    std::fs::write(dir.join(format!("{kind}-{k:03}-{name}")), bytes)?;
                }
            }
        }
    }
    std::fs::write(dir.join("summary.txt"), summary)
}

#[test]
fn positions_are_a_file_and_a_line_above_0() {
    let files = ["orgs.csv", "state.json"];
    assert!(at_a_line("  w/orgs.csv:3: users: too many", &files));
    assert!(at_a_line(
        "x/state.json:2: particles[0].u[0]: outside [0, 1]",
        &files
    ));
    assert!(!at_a_line("  w/orgs.csv:0: users: too many", &files));
    assert!(!at_a_line("  w/orgs.csv: not read", &files));
    assert!(!at_a_line("  w/users.csv:4: org: not an id", &files));
}

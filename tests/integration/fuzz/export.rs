//! The export door's fuzzer (issue 29): inputs mutated from the exports in `fuzz/seeds/export/`
//! (XML, ZIP and byte mutations, re-encodings and bombs: `export_mutate`), each loaded in process
//! as a scenario importing it, as `picsim validate` and `run` read it, with the import's limits
//! lowered (4 MiB inflated, 16 KiB a piece, 4 MiB of lists) so that a bomb is refused in
//! milliseconds. One accepted input in [`POPULATION_EVERY`] is also made into replication 0's
//! population.
//!
//! Every outcome is classified: accepted (each refused row at a line and, for an export, a
//! column), refused at a place (the message names the file and then a line, or a byte of the
//! archive), refused without one, or a panic; apart from that, a message that shows an address
//! or user of the seeds (each holds `secret`) is a leak. Input `i` of seed `s` depends on
//! `(s, i)` alone. The short pass runs with the tests; `fuzz/export.sh N SEED` runs the long one
//! ([`long_run`], ignored otherwise) under a 4 GB address-space limit and saves what it finds.

use super::export_mutate::{Input, input};
use super::{Outcome, Tally, catch, file_name, shape};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The short pass: inputs and seed.
const SHORT_INPUTS: u64 = 3_000;
const SHORT_SEED: u64 = 1;

/// One accepted input in this many is made into a population too (a few milliseconds each).
const POPULATION_EVERY: u64 = 32;

/// The file every input is written to (its name is what messages must be placed after).
const FILE: &str = "export.bin";

/// The seeds, as shipped.
fn seeds() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/export");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fuzz/seeds/export")
        .map(|e| e.expect("a seed").path())
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| std::fs::read(p).expect("a seed"))
        .collect()
}

/// Input `i` of seed `seed`.
fn nth(seeds: &[Vec<u8>], seed: u64, i: u64) -> Input {
    // Another stream than the loader's fuzzer for the same (seed, i).
    let mut rng = picsim::rng::plain(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x29A);
    let refs: Vec<&[u8]> = seeds.iter().map(Vec::as_slice).collect();
    input(&mut rng, &refs)
}

/// The first whole number at the start of `text`, if any.
fn number(text: &str) -> Option<u64> {
    let digits: String = text.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// Whether `message` says where in the file the problem is: after the file's name, a line (and
/// column) above 0, a byte of the archive, or `FILE:N` (a refused row). A message that does not
/// name the file is about the scenario, and must give its place there (`s.toml:N:`).
fn positioned(message: &str) -> bool {
    let Some(at) = message.find(FILE) else {
        return message
            .match_indices("s.toml:")
            .any(|(i, _)| number(&message[i + 7..]).is_some_and(|n| n > 0));
    };
    // A refused row: `FILE:N` (or, in an archive, `FILE (DocItemSet.xml):N`), anywhere.
    let row = message.match_indices(FILE).any(|(i, _)| {
        let rest = &message[i + FILE.len()..];
        let rest = rest.strip_prefix(" (DocItemSet.xml)").unwrap_or(rest);
        rest.strip_prefix(':')
            .and_then(number)
            .is_some_and(|n| n > 0)
    });
    let rest = &message[at + FILE.len()..];
    // Lines count from 1; bytes are offsets, from 0.
    let after = |needle: &str, least: u64| {
        rest.match_indices(needle)
            .any(|(i, _)| number(&rest[i + needle.len()..]).is_some_and(|n| n >= least))
    };
    row || after("line ", 1) || after("byte ", 0)
}

/// What one input came to, as a user would read it.
#[derive(Default)]
struct Seen {
    /// The refusals (the scenario's errors, and making the population's).
    refusals: Vec<String>,
    /// Refused rows of an accepted list that lack a line (or, in an export, a column).
    unplaced: Vec<String>,
    /// Every message and reason a user would read.
    said: Vec<String>,
}

/// Loads the scenario `s` as `validate` does; for an accepted one, checks its refused rows and
/// (when `population`) makes replication 0's population.
fn load(s: &Path, population: bool) -> Seen {
    let scenario = match picsim::scenario::load_file(s, &[]) {
        Ok(scenario) => scenario,
        Err(errors) => {
            let refusals: Vec<String> = errors.0.iter().map(ToString::to_string).collect();
            return Seen {
                said: refusals.clone(),
                refusals,
                ..Seen::default()
            };
        }
    };
    let mut seen = Seen::default();
    let Some(list) = &scenario.population.import else {
        seen.refusals
            .push("the scenario read no contact list".into());
        return seen;
    };
    let csv = format!("{:?}", list.source) == "Csv";
    for r in &list.rejected {
        let placed = r.line > 0 && (csv || r.column.is_some_and(|c| c > 0));
        let row = format!("{FILE}:{}:{}: {}", r.line, r.column.unwrap_or(0), r.reason);
        if !placed {
            seen.unplaced.push(row.clone());
        }
        seen.said.push(row);
    }
    if population && let Err(e) = picsim::world::population::generate(&scenario, 0) {
        let lines: Vec<String> = format!("{e:#}").lines().map(str::to_string).collect();
        seen.said.extend(lines.iter().cloned());
        seen.refusals.extend(lines);
    }
    seen
}

/// The outcome of what was seen (or the panic raised), and the messages showing an address.
fn classify(seen: Result<Seen, String>) -> (Outcome, Vec<String>) {
    let seen = match seen {
        Ok(seen) => seen,
        Err(panic) => return (Outcome::Panic(panic), Vec::new()),
    };
    let leaks = seen
        .said
        .iter()
        .filter(|m| m.to_lowercase().contains("secret"))
        .cloned()
        .collect();
    let mut missing: Vec<String> = seen
        .refusals
        .iter()
        .filter(|m| !positioned(m))
        .cloned()
        .collect();
    missing.extend(seen.unplaced);
    let outcome = if !missing.is_empty() {
        Outcome::Unpositioned(missing)
    } else if seen.refusals.is_empty() {
        Outcome::Accepted
    } else {
        Outcome::Positioned
    };
    (outcome, leaks)
}

/// A private folder the inputs are written into, with the scenario importing them.
struct Workspace {
    dir: tempfile::TempDir,
    prefix: String,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("temporary folder");
        let prefix = format!("{}/", dir.path().display());
        Workspace { dir, prefix }
    }

    /// Writes `input` and a scenario importing it within the lowered limits, and loads it.
    fn run(&self, input: &Input, population: bool) -> (Outcome, Vec<String>) {
        let parent = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/pic-2013.toml");
        let format = input
            .format
            .map(|f| format!("format = \"{f}\"\n"))
            .unwrap_or_default();
        let scenario = format!(
            "extends = {:?}\n[population.import]\ncontacts = \"{FILE}\"\n{format}max_inflated_size = \"4M\"\nmax_piece_size = \"16K\"\nmax_list_memory = \"4M\"\n",
            parent.display().to_string()
        );
        let s = self.dir.path().join("s.toml");
        std::fs::write(&s, scenario).expect("the scenario");
        std::fs::write(self.dir.path().join(FILE), &input.bytes).expect("the input");
        let seen = catch(|| load(&s, population));
        let seen = seen.map(|mut seen| {
            for m in seen.refusals.iter_mut().chain(seen.said.iter_mut()) {
                *m = m.replace(&self.prefix, "");
            }
            seen
        });
        classify(seen)
    }
}

/// Outcomes per kind of input: accepted, refused at a place, refused without, panics.
type Kinds = std::collections::BTreeMap<&'static str, [u64; 4]>;

fn count(kinds: &mut Kinds, kind: &'static str, outcome: &Outcome) {
    let k = match outcome {
        Outcome::Accepted => 0,
        Outcome::Positioned => 1,
        Outcome::Unpositioned(_) => 2,
        Outcome::Panic(_) => 3,
    };
    kinds.entry(kind).or_default()[k] += 1;
}

/// The counts per kind, a line each.
fn kinds_text(kinds: &Kinds) -> String {
    kinds
        .iter()
        .map(|(kind, [a, p, u, x])| {
            format!("{kind}: {} inputs, accepted {a}, refused with a position {p}, without {u}, panics {x}\n", a + p + u + x)
        })
        .collect()
}

/// Runs inputs `0..n` of `seed` on `threads` threads (input `i` on thread `i % threads`).
fn pass(seeds: &[Vec<u8>], seed: u64, n: u64, threads: u64) -> (Tally, Kinds) {
    let started = Instant::now();
    let tallies: Vec<(Tally, Kinds)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let workspace = Workspace::new();
                    let mut tally = Tally::default();
                    let mut kinds = Kinds::new();
                    let mut accepted = 0;
                    for i in (t..n).step_by(threads as usize) {
                        let input = nth(seeds, seed, i);
                        let at = Instant::now();
                        let population = accepted % POPULATION_EVERY == 0;
                        let outcome = workspace.run(&input, population);
                        if outcome.0 == Outcome::Accepted {
                            accepted += 1;
                        }
                        count(&mut kinds, input.kind, &outcome.0);
                        tally.add(i, outcome, false, at.elapsed().as_secs_f64());
                        if t == 0 && tally.inputs % 10_000 == 0 {
                            eprintln!(
                                "fuzz export: {} inputs in {:.0} s",
                                tally.inputs * threads,
                                started.elapsed().as_secs_f64()
                            );
                        }
                    }
                    (tally, kinds)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a fuzz worker"))
            .collect()
    });
    let mut total = Tally::default();
    let mut kinds = Kinds::new();
    for (t, k) in tallies {
        total.merge(t);
        for (kind, counts) in k {
            let sum = kinds.entry(kind).or_default();
            for (s, c) in sum.iter_mut().zip(counts) {
                *s += c;
            }
        }
    }
    (total, kinds)
}

/// Writes a pass's findings under `dir`: `summary.txt` (the counts, then each group of findings
/// with its count and first example) and the input that first showed each group.
fn save(
    seeds: &[Vec<u8>],
    seed: u64,
    (tally, kinds): (&Tally, &Kinds),
    seconds: f64,
    dir: &Path,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut summary = format!(
        "export door, seed {seed}\n{}\n{}{:.0} s, {:.0} inputs/s; slowest {:.2} s\n",
        tally.counts(),
        kinds_text(kinds),
        seconds,
        tally.inputs as f64 / seconds,
        tally.slow.iter().map(|(_, s)| *s).fold(0.0, f64::max)
    );
    for (kind, groups) in [
        ("panic", &tally.panicked),
        ("no-position", &tally.missing),
        ("address", &tally.leaked),
    ] {
        let mut sorted: Vec<_> = groups.values().collect();
        sorted.sort_by(|a, b| b.count.cmp(&a.count).then(a.input.cmp(&b.input)));
        summary.push_str(&format!("\n{kind}: {} distinct\n", sorted.len()));
        for (k, g) in sorted.iter().enumerate() {
            let input = nth(seeds, seed, g.input);
            let name = format!("{kind}-{k:03}.bin");
            std::fs::write(dir.join(&name), &input.bytes)?;
            summary.push_str(&format!(
                "{:>8}  {}\n          input {} ({name}, format {:?})\n",
                g.count, g.example, g.input, input.format
            ));
        }
    }
    summary.push_str(&format!("\nslow inputs (s): {:?}\n", tally.slow));
    std::fs::write(dir.join("summary.txt"), summary)
}

#[test]
fn a_short_pass_over_the_export_door_is_all_placed_private_and_without_panic() {
    let seeds = seeds();
    let started = Instant::now();
    let (tally, kinds) = pass(&seeds, SHORT_SEED, SHORT_INPUTS, 2);
    println!(
        "fuzz export, seed {SHORT_SEED}: {} ({:.0} s)\n{}",
        tally.counts(),
        started.elapsed().as_secs_f64(),
        kinds_text(&kinds)
    );
    for (kind, groups) in [
        ("panic", &tally.panicked),
        ("no position", &tally.missing),
        ("address", &tally.leaked),
    ] {
        for g in groups.values() {
            println!("{kind} ×{}: {} (input {})", g.count, g.example, g.input);
        }
    }
    assert_eq!(tally.inputs, SHORT_INPUTS);
    assert!(
        tally.accepted > 0 && tally.positioned > 0,
        "{}",
        tally.counts()
    );
    assert_eq!(tally.panics, 0, "panics: {:#?}", tally.panicked);
    assert_eq!(tally.leaks, 0, "addresses shown: {:#?}", tally.leaked);
    assert_eq!(tally.unpositioned, 0, "{:#?}", tally.missing);
}

#[test]
fn the_seeds_are_accepted_whole_and_a_seed_gives_the_same_inputs() {
    let seeds = seeds();
    let workspace = Workspace::new();
    for bytes in &seeds {
        let input = Input {
            bytes: bytes.clone(),
            format: None,
            kind: "seed",
        };
        assert_eq!(workspace.run(&input, true), (Outcome::Accepted, Vec::new()));
    }
    let first: Vec<Vec<u8>> = (0..40).map(|i| nth(&seeds, 7, i).bytes).collect();
    let again: Vec<Vec<u8>> = (0..40).map(|i| nth(&seeds, 7, i).bytes).collect();
    assert_eq!(first, again);
    let changed = first.iter().filter(|b| !seeds.contains(b)).count();
    assert!(
        changed >= 36,
        "only {changed} of 40 inputs differ from the seeds"
    );
}

#[test]
fn a_refusal_is_placed_only_after_the_files_name() {
    for m in [
        "s.toml:5:1: population.import.contacts: 'export.bin' (its DocItemSet.xml) line 3, column 5: malformed XML",
        "s.toml:5:1: population.import.contacts: 'export.bin' holds DocItemSet.xml twice, entry 1 of its directory (at byte 120) and entry 2",
        "export.bin:12:7: the contact: it has no Buddy attribute",
        "s.toml:3:1: population.import.contacts: 'export.bin' has no usable row (2 refused): export.bin (DocItemSet.xml):3:3: the user's SIP address is not an address",
        "s.toml:7:1: population.import.format: unknown format `x`",
    ] {
        assert!(positioned(m), "{m}");
    }
    for m in [
        "s.toml:5:1: population.import.contacts: 'export.bin' holds a DocItemSet",
        "s.toml:5:1: population.import.contacts: 'export.bin' line 0, column 1: x",
        "s.toml:5:1: population.import.contacts: 'export.bin' has no usable row (0 refused): export.bin:0: x",
        "population.import.contacts: 'export.bin' cannot be read",
    ] {
        assert!(!positioned(m), "{m}");
    }
    assert_eq!(
        shape("'export.bin' line 3, column 5: x"),
        "'…' line N, column N: x"
    );
    assert_eq!(file_name(Path::new("a/export.bin")), FILE);
}

/// The long pass `fuzz/export.sh` runs: `FUZZ_INPUTS` inputs (default 10^5) of `FUZZ_SEED`
/// (default 1) on `FUZZ_THREADS` threads (default 2), findings saved in `FUZZ_RESULTS`.
#[test]
#[ignore = "long: run by fuzz/export.sh"]
fn long_run() {
    let var = |name: &str, default: u64| {
        std::env::var(name).map_or(default, |v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} must be a whole number"))
        })
    };
    let (n, seed, threads) = (
        var("FUZZ_INPUTS", 100_000),
        var("FUZZ_SEED", 1),
        var("FUZZ_THREADS", 2).max(1),
    );
    let dir = std::env::var("FUZZ_RESULTS").map_or_else(
        |_| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("fuzz/results/export-seed-{seed}-n-{n}"))
        },
        PathBuf::from,
    );
    let seeds = seeds();
    // `FUZZ_ONLY=i,j,…`: those inputs alone, one at a time, each with its outcome and time (to
    // tell an input that is slow from one that was descheduled).
    if let Ok(only) = std::env::var("FUZZ_ONLY") {
        let workspace = Workspace::new();
        for i in only.split(',').filter_map(|i| i.trim().parse::<u64>().ok()) {
            let input = nth(&seeds, seed, i);
            let at = Instant::now();
            let (outcome, _) = workspace.run(&input, true);
            let shown = format!("{outcome:?}");
            println!(
                "input {i} ({}, {} bytes): {:.3} s, {}",
                input.kind,
                input.bytes.len(),
                at.elapsed().as_secs_f64(),
                shown.chars().take(160).collect::<String>()
            );
        }
        return;
    }
    let started = Instant::now();
    let (tally, kinds) = pass(&seeds, seed, n, threads);
    let seconds = started.elapsed().as_secs_f64();
    save(&seeds, seed, (&tally, &kinds), seconds, &dir).expect("save the findings");
    println!(
        "fuzz export, seed {seed}: {}\n{}{seconds:.0} s, {:.0} inputs/s; findings in {}",
        tally.counts(),
        kinds_text(&kinds),
        n as f64 / seconds,
        dir.display()
    );
}

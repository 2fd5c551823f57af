//! A seeded mutation fuzzer over the scenario loader and the contact-list and edge-list readers.
//!
//! The corpus is `fuzz/seeds.txt`: cases of a scenario to load and a file to mutate (the scenario
//! itself, a parent it extends, its contact list or its edge list). Each input mutates one case's
//! file ([`mutate`]), writes it into a private copy of the corpus, and loads the scenario in process
//! as `picsim validate` does: load, the output folder check, for one accepted input in
//! [`EXPERIMENTS_EVERY`] the `[sweep]` and `[sensitivity]` variants, and for imported contact lists
//! replication 0's population (where an edge list's addresses are resolved). Every outcome is
//! classified: accepted, refused with a position, refused without one, or a panic. Apart from
//! that, when a contact or edge list is mutated, a message that shows one of its addresses in clear
//! is counted as a leak (a scenario's own text, spliced addresses included, may be quoted back).
//!
//! Input `i` of seed `s` depends on `(s, i)` alone, so a pass splits over any number of threads and
//! gives the same counts. The short pass runs with the other tests; `fuzz/run.sh N SEED` runs the
//! long one ([`long_run`], ignored otherwise) and saves what it finds under `fuzz/results/`.

mod export;
mod export_mutate;
pub(crate) mod mutate;

use mutate::Format;
use picsim::rng::Stream;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Whether the short pass fails on a refusal without a position (every refusal of a scenario,
/// contact list or edge list names its file and line).
const REQUIRE_POSITIONS: bool = true;

/// The short pass: inputs and seed.
const SHORT_INPUTS: u64 = 2_000;
const SHORT_SEED: u64 = 1;

/// One `[sweep]`/`[sensitivity]` check per this many inputs (when accepted): the check loads the
/// scenario again once per sweep point and twice per sensitivity key (about 50 loads for the
/// shipped scenarios): one in 8 was already 3/4 of the time of a pass.
const EXPERIMENTS_EVERY: u64 = 64;

/// An input slower than this is listed (seconds).
const SLOW_SECONDS: f64 = 1.0;

/// One line of `fuzz/seeds.txt`.
struct Case {
    /// The scenario loaded, relative to the corpus root.
    load: PathBuf,
    /// The file mutated, relative to the corpus root.
    target: PathBuf,
}

/// The corpus: every file a case can read, as shipped, and the cases.
struct Corpus {
    /// Relative path and content of every file.
    files: Vec<(PathBuf, Vec<u8>)>,
    cases: Vec<Case>,
    /// The contact addresses of the contact and edge lists, lower case: personal data that no
    /// message may show.
    addresses: Vec<String>,
}

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

impl Corpus {
    /// Reads `fuzz/seeds.txt` and the files the cases can reach: the shipped scenarios, their
    /// example files and the fuzz seeds.
    fn read() -> Corpus {
        let root = repository();
        let seeds = std::fs::read_to_string(root.join("fuzz/seeds.txt")).expect("fuzz/seeds.txt");
        let cases = seeds
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let mut parts = l.split_whitespace();
                let mut next = || PathBuf::from(parts.next().expect("seeds.txt: two paths a line"));
                Case {
                    load: next(),
                    target: next(),
                }
            })
            .collect();
        let mut files = Vec::new();
        for dir in ["scenarios", "scenarios/examples", "fuzz/seeds"] {
            let mut names: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
                .expect("corpus folder")
                .map(|e| e.expect("corpus entry").path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e != "md"))
                .collect();
            names.sort();
            for p in names {
                let rel = p.strip_prefix(&root).expect("inside the repository");
                files.push((rel.to_path_buf(), std::fs::read(&p).expect("corpus file")));
            }
        }
        let addresses = files.iter().flat_map(|(p, b)| addresses(p, b)).collect();
        Corpus {
            files,
            cases,
            addresses,
        }
    }

    fn content(&self, rel: &Path) -> &[u8] {
        let (_, bytes) = self
            .files
            .iter()
            .find(|(p, _)| p == rel)
            .unwrap_or_else(|| panic!("{} is not in the corpus", rel.display()));
        bytes
    }

    /// Input `i` of seed `seed`: the case and the mutated file.
    fn input(&self, seed: u64, i: u64) -> (usize, Vec<u8>) {
        let mut rng: Stream = picsim::rng::plain(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let case = mutate::below(&mut rng, self.cases.len());
        let target = &self.cases[case].target;
        let others: Vec<&[u8]> = self
            .files
            .iter()
            .filter(|(p, _)| p != target)
            .map(|(_, b)| b.as_slice())
            .collect();
        let bytes = mutate::mutate(&mut rng, self.content(target), Format::of(target), &others);
        (case, bytes)
    }
}

/// The contact addresses of a CSV file: its `contact` column if it has one (a contact list; users'
/// own ids may be shown), else every field with an `@` (an edge list).
fn addresses(path: &Path, bytes: &[u8]) -> Vec<String> {
    if Format::of(path) != Format::Csv {
        return Vec::new();
    }
    let text = String::from_utf8_lossy(bytes).to_lowercase();
    let mut rows = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split([',', '\t']).map(str::trim).collect::<Vec<_>>());
    let contact = rows
        .next()
        .and_then(|header| header.iter().position(|h| *h == "contact"));
    rows.flat_map(|fields| match contact {
        Some(c) => fields.get(c).into_iter().copied().collect::<Vec<_>>(),
        None => fields.into_iter().filter(|f| f.contains('@')).collect(),
    })
    .filter(|a| !a.is_empty())
    .map(str::to_string)
    .collect()
}

/// What one input came to.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Accepted,
    Positioned,
    /// The messages without a position.
    Unpositioned(Vec<String>),
    /// Where and why.
    Panic(String),
}

/// Whether `message` says where the problem is: `line N`, or one of `files` followed by `:N`,
/// with N > 0 (a line 0 says nothing). A message that names the mutated contact or edge list
/// (`data`) must give a line in that file: the line of the scenario key that names the file is not
/// where the problem is.
fn has_position(message: &str, files: &[&str], data: Option<&str>) -> bool {
    let positive = |rest: &str| {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u64>().is_ok_and(|n| n > 0)
    };
    let after = |needle: &str| {
        message
            .match_indices(needle)
            .any(|(at, _)| positive(&message[at + needle.len()..]))
    };
    match data {
        Some(d) if message.contains(d) => after("line ") || after(&format!("{d}:")),
        _ => after("line ") || files.iter().any(|f| after(&format!("{f}:"))),
    }
}

/// Classifies what the target returned (its refusals) or the panic it raised; `files` and
/// `data` as for [`has_position`].
fn classify(result: Result<Vec<String>, String>, files: &[&str], data: Option<&str>) -> Outcome {
    match result {
        Err(panic) => Outcome::Panic(panic),
        Ok(refusals) if refusals.is_empty() => Outcome::Accepted,
        Ok(refusals) => {
            let missing: Vec<String> = refusals
                .into_iter()
                .filter(|m| !has_position(m, files, data))
                .collect();
            if missing.is_empty() {
                Outcome::Positioned
            } else {
                Outcome::Unpositioned(missing)
            }
        }
    }
}

thread_local! {
    /// The panic caught on this thread, while [`catch`] runs.
    static CAUGHT: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into its message and location. The panic hook is shared by every
/// test thread: it stays quiet and records only for threads inside `catch`.
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.get() {
                return previous(info);
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let place = info.location().map(|l| l.to_string()).unwrap_or_default();
            CAUGHT.set(Some(format!("{message} (at {place})")));
        }));
    });
    CATCHING.set(true);
    let result = catch_unwind(AssertUnwindSafe(f));
    CATCHING.set(false);
    result.map_err(|_| CAUGHT.take().unwrap_or_default())
}

/// What `picsim validate` (and, for an imported population, `picsim population`) would refuse
/// for the scenario at `path`: every message, one refusal each.
fn refusals(path: &Path, experiments: bool) -> Vec<String> {
    let s = match picsim::scenario::load_file(path, &[]) {
        Ok(s) => s,
        Err(errors) => return errors.0.iter().map(ToString::to_string).collect(),
    };
    let lines = |e: anyhow::Error| format!("{e:#}").lines().map(str::to_string).collect();
    if let Err(e) = picsim::output::check_creatable(&s.output.dir) {
        return lines(e);
    }
    if experiments {
        // What validate's check_experiments calls (it is private to the commands).
        let axes = picsim::experiments::sweep::axes(&s, &[]);
        if let Err(e) =
            picsim::experiments::sweep::sweep_scenarios(path, &[], &s, &axes).and_then(|_| {
                picsim::experiments::sensitivity::variants::sensitivity_scenarios(path, &[], &s)
            })
        {
            return lines(e);
        }
    }
    let Some(list) = &s.population.import else {
        return Vec::new();
    };
    // A run refuses rejected rows (unless --skip-bad-rows); each must name its line.
    let mut out: Vec<String> = list
        .rejected
        .iter()
        .map(|r| match r.line {
            0 => format!("{}: {}", list.path.display(), r.reason),
            line => format!("{}:{line}: {}", list.path.display(), r.reason),
        })
        .collect();
    if let Err(e) = picsim::world::population::generate(&s, 0) {
        out.extend(lines(e));
    }
    out
}

/// A private copy of the corpus that inputs are written into.
struct Workspace {
    dir: tempfile::TempDir,
    /// The folder's path with a trailing `/`, removed from messages so that they read the same
    /// in every workspace.
    prefix: String,
}

impl Workspace {
    fn new(corpus: &Corpus) -> Workspace {
        let dir = tempfile::tempdir().expect("temporary folder");
        for (rel, bytes) in &corpus.files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("mkdir");
            std::fs::write(path, bytes).expect("corpus copy");
        }
        let prefix = format!("{}/", dir.path().display());
        Workspace { dir, prefix }
    }

    /// Loads the case with its target replaced by `bytes`, then puts the target back. Returns the
    /// outcome and the messages that show a contact address.
    fn run(
        &self,
        corpus: &Corpus,
        case: usize,
        bytes: &[u8],
        experiments: bool,
    ) -> (Outcome, Vec<String>) {
        let case = &corpus.cases[case];
        let target = self.dir.path().join(&case.target);
        std::fs::write(&target, bytes).expect("write the input");
        let result = catch(|| refusals(&self.dir.path().join(&case.load), experiments));
        std::fs::write(&target, corpus.content(&case.target)).expect("restore the target");
        let result: Result<Vec<String>, String> =
            result.map(|r| r.iter().map(|m| m.replace(&self.prefix, "")).collect());
        let names: Vec<&str> = corpus.files.iter().map(|(p, _)| file_name(p)).collect();
        let data = (Format::of(&case.target) == Format::Csv).then(|| file_name(&case.target));
        let leaks = result
            .as_ref()
            .ok()
            .filter(|_| data.is_some())
            .map(|messages| {
                messages
                    .iter()
                    .filter(|m| {
                        let m = m.to_lowercase();
                        corpus.addresses.iter().any(|a| m.contains(a.as_str()))
                    })
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        (classify(result, &names, data), leaks)
    }
}

fn file_name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("")
}

/// A message with its particulars (numbers, quoted names, values and paths) blanked, so that one
/// refusal site is one group.
pub(crate) fn shape(message: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for c in message.chars() {
        match quote {
            Some(q) if c == q => {
                quote = None;
                out.push(c);
            }
            Some(_) => {}
            None if c == '`' || c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
                out.push('…');
            }
            None if c.is_ascii_digit() => {
                if !out.ends_with('N') {
                    out.push('N');
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// Findings of one kind that share a shape.
#[derive(Debug, Clone)]
struct Group {
    count: u64,
    /// The first message seen, and its input.
    example: String,
    input: u64,
}

/// The counts of a pass and its findings.
#[derive(Debug, Default)]
struct Tally {
    inputs: u64,
    accepted: u64,
    positioned: u64,
    unpositioned: u64,
    panics: u64,
    /// Inputs whose `[sweep]`/`[sensitivity]` variants were checked.
    experiments: u64,
    /// Groups of messages without a position, by shape.
    missing: BTreeMap<String, Group>,
    /// Groups of panics, by shape.
    panicked: BTreeMap<String, Group>,
    /// Inputs with a message that shows a contact address, and its groups by shape.
    leaks: u64,
    leaked: BTreeMap<String, Group>,
    /// Inputs slower than [`SLOW_SECONDS`], with their seconds.
    slow: Vec<(u64, f64)>,
}

impl Tally {
    fn add(
        &mut self,
        i: u64,
        (outcome, leaks): (Outcome, Vec<String>),
        experiments: bool,
        seconds: f64,
    ) {
        let note = |groups: &mut BTreeMap<String, Group>, message: String| {
            groups
                .entry(shape(&message))
                .and_modify(|g| g.count += 1)
                .or_insert(Group {
                    count: 1,
                    example: message,
                    input: i,
                });
        };
        self.inputs += 1;
        if !leaks.is_empty() {
            self.leaks += 1;
        }
        for m in leaks {
            note(&mut self.leaked, m);
        }
        if experiments {
            self.experiments += 1;
        }
        if seconds > SLOW_SECONDS {
            self.slow.push((i, seconds));
        }
        match outcome {
            Outcome::Accepted => self.accepted += 1,
            Outcome::Positioned => self.positioned += 1,
            Outcome::Unpositioned(messages) => {
                self.unpositioned += 1;
                for m in messages {
                    note(&mut self.missing, m);
                }
            }
            Outcome::Panic(message) => {
                self.panics += 1;
                note(&mut self.panicked, message);
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
        self.experiments += other.experiments;
        self.slow.extend(other.slow);
        for (mine, theirs) in [
            (&mut self.missing, other.missing),
            (&mut self.panicked, other.panicked),
            (&mut self.leaked, other.leaked),
        ] {
            for (shape, g) in theirs {
                mine.entry(shape)
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

    fn counts(&self) -> String {
        format!(
            "inputs {}, accepted {}, refused with a position {}, refused without a position {}, panics {}; showing a contact address {} ([sweep]/[sensitivity] checked on {}; {} slower than {SLOW_SECONDS} s)",
            self.inputs,
            self.accepted,
            self.positioned,
            self.unpositioned,
            self.panics,
            self.leaks,
            self.experiments,
            self.slow.len()
        )
    }
}

/// Runs inputs `0..n` of `seed` on `threads` threads (input `i` on thread `i % threads`).
fn pass(corpus: &Corpus, seed: u64, n: u64, threads: u64) -> Tally {
    let started = Instant::now();
    let tallies: Vec<Tally> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let workspace = Workspace::new(corpus);
                    let mut tally = Tally::default();
                    for i in (t..n).step_by(threads as usize) {
                        let (case, bytes) = corpus.input(seed, i);
                        let experiments = i % EXPERIMENTS_EVERY == 0;
                        let at = Instant::now();
                        let outcome = workspace.run(corpus, case, &bytes, experiments);
                        tally.add(i, outcome, experiments, at.elapsed().as_secs_f64());
                        if t == 0 && tally.inputs % 20_000 == 0 {
                            eprintln!(
                                "fuzz: {} inputs in {:.0} s",
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

/// Writes a pass's findings under `dir`: `summary.txt` (counts, then each group with its count and
/// example), and per group the input that first showed it, as `<kind>-<k>-<file name>`, with a
/// note of which scenario to load with it in place of which file.
fn save(
    corpus: &Corpus,
    seed: u64,
    tally: &Tally,
    seconds: f64,
    dir: &Path,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut summary = format!(
        "seed {seed}\n{}\n{:.0} s, {:.0} inputs/s\n",
        tally.counts(),
        seconds,
        tally.inputs as f64 / seconds
    );
    for (kind, groups) in [
        ("panic", &tally.panicked),
        ("no-position", &tally.missing),
        ("address", &tally.leaked),
    ] {
        let mut sorted: Vec<&Group> = groups.values().collect();
        sorted.sort_by(|a, b| b.count.cmp(&a.count).then(a.input.cmp(&b.input)));
        summary.push_str(&format!("\n{kind}: {} distinct\n", sorted.len()));
        for (k, g) in sorted.iter().enumerate() {
            let (case, bytes) = corpus.input(seed, g.input);
            let case = &corpus.cases[case];
            let name = format!("{kind}-{k:03}-{}", file_name(&case.target));
            std::fs::write(dir.join(&name), bytes)?;
            summary.push_str(&format!(
                "{:>8}  {}\n          input {} ({name}: load {} with it as {})\n",
                g.count,
                g.example,
                g.input,
                case.load.display(),
                case.target.display()
            ));
        }
    }
    summary.push_str(&format!("\nslow inputs (s): {:?}\n", tally.slow));
    std::fs::write(dir.join("summary.txt"), summary)
}

fn print_groups(tally: &Tally) {
    for (kind, groups) in [
        ("panic", &tally.panicked),
        ("no position", &tally.missing),
        ("address", &tally.leaked),
    ] {
        for g in groups.values() {
            println!("{kind} ×{}: {} (input {})", g.count, g.example, g.input);
        }
    }
}

#[test]
fn a_short_seeded_pass_raises_no_panic_and_shows_no_address() {
    let corpus = Corpus::read();
    let tally = pass(&corpus, SHORT_SEED, SHORT_INPUTS, 2);
    println!("fuzz, seed {SHORT_SEED}: {}", tally.counts());
    print_groups(&tally);
    assert_eq!(tally.inputs, SHORT_INPUTS);
    assert!(
        tally.accepted > 0 && tally.positioned > 0,
        "{}",
        tally.counts()
    );
    assert_eq!(tally.panics, 0, "panics: {:#?}", tally.panicked);
    assert_eq!(tally.leaks, 0, "addresses shown: {:#?}", tally.leaked);
    if REQUIRE_POSITIONS {
        assert_eq!(tally.unpositioned, 0, "{:#?}", tally.missing);
    }
}

#[test]
fn every_seed_case_is_accepted_unmutated() {
    let corpus = Corpus::read();
    let workspace = Workspace::new(&corpus);
    for (i, case) in corpus.cases.iter().enumerate() {
        let bytes = corpus.content(&case.target);
        // The example contact list's deliberately bad rows are refused, each at its line.
        let expected =
            if case.load.ends_with("my-org.toml") || case.load.ends_with("edge-list.toml") {
                Outcome::Positioned
            } else {
                Outcome::Accepted
            };
        assert_eq!(
            workspace.run(&corpus, i, bytes, true),
            (expected, Vec::new()),
            "{}",
            case.load.display()
        );
    }
}

#[test]
fn a_seed_gives_the_same_inputs_and_another_seed_others() {
    let corpus = Corpus::read();
    let first: Vec<_> = (0..50).map(|i| corpus.input(7, i)).collect();
    let again: Vec<_> = (0..50).map(|i| corpus.input(7, i)).collect();
    let other: Vec<_> = (0..50).map(|i| corpus.input(8, i)).collect();
    assert_eq!(first, again);
    assert_ne!(first, other);
    let cases: std::collections::HashSet<usize> = first.iter().map(|(c, _)| *c).collect();
    assert!(
        cases.len() > corpus.cases.len() / 2,
        "inputs cover the cases"
    );
    let changed = first
        .iter()
        .filter(|(c, b)| b.as_slice() != corpus.content(&corpus.cases[*c].target))
        .count();
    assert!(
        changed >= 45,
        "only {changed} of 50 inputs differ from their seed"
    );
}

#[test]
fn outcomes_are_classified_by_position_and_panics_are_caught() {
    let files = ["pic-2013.toml", "my-org.toml", "contacts.csv"];
    let refused = |m: &str| classify(Ok(vec![m.to_string()]), &files, Some("contacts.csv"));
    assert_eq!(classify(Ok(vec![]), &files, None), Outcome::Accepted);
    assert_eq!(
        refused("scenarios/pic-2013.toml:12:3: orgs.count: must be positive"),
        Outcome::Positioned
    );
    assert_eq!(
        refused("edge list 'e.csv' does not fit: line 4: …"),
        Outcome::Positioned
    );
    for m in [
        "scenarios/pic-2013.toml: extends must be a file path",
        "scenarios/my-org.toml:20:1: population.import.contacts: 'contacts.csv' has no usable row",
        "scenarios/examples/contacts.csv:0: unreadable row",
        "cannot read the header of 'contacts.csv': invalid UTF-8",
    ] {
        assert_eq!(
            refused(m),
            Outcome::Unpositioned(vec![m.to_string()]),
            "{m}"
        );
    }
    let caught = catch(|| -> u32 { panic!("boom") });
    assert!(
        matches!(&caught, Err(m) if m.starts_with("boom (at tests/")),
        "{caught:?}"
    );
    assert_eq!(
        classify(Err("boom".into()), &files, None),
        Outcome::Panic("boom".into())
    );
    assert_eq!(catch(|| 3), Ok(3));
}

#[test]
fn shapes_blank_numbers_and_quoted_particulars() {
    assert_eq!(
        shape("a.csv:12: unknown network `icq`; known: wlm (and 3 more)"),
        "a.csv:N: unknown network `…`; known: wlm (and N more)"
    );
}

/// The long pass `fuzz/run.sh` runs: `FUZZ_INPUTS` inputs (default 10^6) of `FUZZ_SEED`
/// (default 1) on `FUZZ_THREADS` threads (default 2), findings saved in `FUZZ_RESULTS`.
#[test]
#[ignore = "long: run by fuzz/run.sh"]
fn long_run() {
    let var = |name: &str, default: u64| {
        std::env::var(name).map_or(default, |v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} must be a whole number"))
        })
    };
    let (n, seed, threads) = (
        var("FUZZ_INPUTS", 1_000_000),
        var("FUZZ_SEED", 1),
        var("FUZZ_THREADS", 2).max(1),
    );
    let dir = std::env::var("FUZZ_RESULTS").map_or_else(
        |_| repository().join(format!("fuzz/results/seed-{seed}-n-{n}")),
        PathBuf::from,
    );
    let corpus = Corpus::read();
    let started = Instant::now();
    let tally = pass(&corpus, seed, n, threads);
    let seconds = started.elapsed().as_secs_f64();
    save(&corpus, seed, &tally, seconds, &dir).expect("save the findings");
    println!(
        "fuzz, seed {seed}: {}\n{seconds:.0} s, {:.0} inputs/s; findings in {}",
        tally.counts(),
        n as f64 / seconds,
        dir.display()
    );
}

//! The memory guard: an estimate of a run's peak memory from the scenario alone, made before any
//! world is generated, so that an oversize run is refused at once rather than killed later.
//!
//! Sizes come from the scenario's distributions (expected users per organisation, contacts per
//! user, persons per network); the share of contacts on served networks is measured on a sample
//! of real organisations. Bytes per item follow the data layout (struct-of-arrays with `u32` ids,
//! 16-byte person records, CSR graphs) plus the largest temporaries of generation; replications
//! run `threads` at a time, each with its own world.

use super::jobs::splits;
use crate::scenario::{GraphSpec, Scenario};
use crate::world::pinned::WorldErrors;
use crate::world::pinned::extent::Extent;
use crate::world::pinned::folder::Folder;
use crate::world::population::generate::OrgMixes;
use crate::world::population::persons::person_blocks;

/// What the estimate is made of, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Estimate {
    /// Expected Lync users.
    pub(crate) users: f64,
    /// Expected initial entries.
    pub(crate) entries: f64,
    /// Expected persons.
    pub(crate) persons: f64,
    /// Expected graph edges.
    pub(crate) edges: f64,
    /// One replication's world and its temporaries.
    pub(crate) per_replication: f64,
    /// Replications in memory at once.
    pub(crate) concurrent: f64,
    /// Results kept for the reports (a run: all its replications; a sweep: those of the runs in
    /// memory at once, and a summary of each run).
    pub(crate) results: f64,
    /// Charts being drawn at once.
    pub(crate) charts: f64,
    /// Replayed worlds' pins, held for the whole run.
    pub(crate) pins: f64,
    /// The total: the figure compared with the limit.
    pub(crate) total: f64,
}

/// Fixed cost of the program (code, fonts, thread stacks, allocator), bytes.
const BASE_BYTES: f64 = 12.0 * 1024.0 * 1024.0;
/// One chart being drawn: a 3200 × 1800 RGB canvas (charts are drawn at twice their size).
const CHART_BYTES: f64 = 3200.0 * 1800.0 * 3.0;

/// What one replication of a scenario holds, expected, before the bytes per item: from the
/// scenario's distributions, an imported list, or a replayed world's files.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Sizes {
    /// Organisations.
    pub(crate) orgs: f64,
    /// Lync users.
    pub(crate) users: f64,
    /// Initial contact-list entries.
    pub(crate) entries: f64,
    /// Public-IM persons.
    pub(crate) persons: f64,
    /// Graph edges.
    pub(crate) edges: f64,
    /// SIP domains a world pins (a generated world's few are in its organisations' bytes).
    pub(crate) domains: f64,
    /// Bytes of a replayed world's pins, read once and held for the whole run.
    pub(crate) pins: f64,
    /// A replayed world: the folder, and where it pins the most users (file and line), for the
    /// refusal message.
    pub(crate) world: Option<(String, Option<(String, u64)>)>,
}

/// The sizes of one replication of `s`: a replayed world's files are measured (a problem with the
/// folder itself, such as a file it should not have, is refused here, before any is read).
pub(crate) fn sizes_of(s: &Scenario) -> Result<Sizes, WorldErrors> {
    if let Some(list) = &s.population.import {
        let users = list.users() as f64;
        let extra: f64 = s
            .population
            .persons_per_user
            .iter()
            .flatten()
            .map(|k| k * users)
            .sum();
        let rows = list.rows.len() as f64;
        let persons = rows + extra;
        return Ok(Sizes {
            orgs: f64::from(s.orgs.count),
            users,
            entries: rows,
            persons,
            edges: graph_edges(s, persons),
            ..Sizes::default()
        });
    }
    let (users, entries, persons) = generated_sizes(s);
    let generated = Sizes {
        orgs: f64::from(s.orgs.count),
        users,
        entries,
        persons,
        edges: graph_edges(s, persons),
        ..Sizes::default()
    };
    match &s.population.world {
        Some(dir) => Ok(world_sizes(s, &generated, &Extent::of(&Folder::open(dir)?))),
        None => Ok(generated),
    }
}

/// Expected graph edges over `persons` persons.
fn graph_edges(s: &Scenario, persons: f64) -> f64 {
    match &s.population.graph {
        None => 0.0,
        Some(GraphSpec::BarabasiAlbert { m }) => persons * f64::from(*m),
        Some(GraphSpec::Configuration { degree }) => persons * degree.count_mean(0) / 2.0,
        Some(GraphSpec::File { edges }) => edges.edges.len() as f64,
    }
}

/// The sizes of a replication replaying the world measured by `extent`: what a file pins, its
/// rows (at most); what it leaves out, as the scenario draws it (`generated`), in proportion to
/// the users (entries per user, persons per entry).
fn world_sizes(s: &Scenario, generated: &Sizes, extent: &Extent) -> Sizes {
    let ratio = |x: f64, of: f64| if of > 0.0 { x / of } else { 0.0 };
    let orgs = extent.orgs.map_or(generated.orgs, |n| n as f64);
    let users = match extent.rows("users.csv") {
        Some(n) => n as f64,
        None => {
            let (pinning, pinned) = extent.pinned_users;
            let per_org = ratio(generated.users, generated.orgs);
            pinned as f64 + (orgs - pinning as f64).max(0.0) * per_org
        }
    };
    let entries = extent
        .rows("entries.csv")
        .map_or(users * ratio(generated.entries, generated.users), |n| {
            n as f64
        });
    let persons = extent
        .rows("persons.csv")
        .map_or(entries * ratio(generated.persons, generated.entries), |n| {
            n as f64
        });
    let edges = extent
        .rows("graph.csv")
        .map_or_else(|| graph_edges(s, persons), |n| n as f64);
    let domains = extent
        .rows("domains.csv")
        .map_or(extent.pinned_domains.1 as f64, |n| n as f64);
    let most = extent.most_users.map(|(line, _)| {
        let file = std::path::Path::new(&extent.dir).join("orgs.csv");
        (file.display().to_string(), line)
    });
    Sizes {
        orgs,
        users,
        entries,
        persons,
        edges,
        domains,
        pins: extent.pinned_bytes(),
        world: Some((extent.dir.clone(), most)),
    }
}

/// Estimates the peak memory of one rank (rank 0, which also writes the reports) when `s`, of
/// `sizes`, runs over `ranks` processes of `threads` threads each.
/// `split`: whether the run splits each replication over the ranks ([`splits`], which depends
/// on every scenario's jobs together when a sweep runs several).
fn estimate_share(
    s: &Scenario,
    sizes: &Sizes,
    threads: usize,
    ranks: usize,
    split: bool,
) -> Estimate {
    let (users, entries, persons, edges) = (sizes.users, sizes.entries, sizes.persons, sizes.edges);
    // A replayed world's persons are whole on every rank, as one process holds them.
    let whole_persons = sizes.world.is_some();
    let n = s.migrations.len() as f64;
    let record = if n <= 2.0 { 16.0 } else { 32.0 };
    // The contact graph while it is built: CSR (8-byte offsets, 4-byte targets in both
    // directions) with every drawn edge placed, then 4 bytes per person of kept lengths while
    // the lists are sorted, plus what the generator holds: Barabási–Albert the node each edge
    // chose (4 bytes per edge, freed before the sort), an edge-list file its edges (8 bytes each,
    // until the graph is built). The configuration model fills the lists straight from its
    // stubs, beside the stubs' owner index (a byte per person, 4 bytes per 256 stubs). Once
    // built: the offsets and the targets alone.
    let stub_index = persons + edges / 32.0;
    let (building, built) = if edges > 0.0 {
        let (placing_extra, sorting_extra, index) = match &s.population.graph {
            Some(GraphSpec::Configuration { .. }) => (0.0, 0.0, stub_index),
            Some(GraphSpec::BarabasiAlbert { .. }) => (4.0, 0.0, 0.0),
            _ => (8.0, 8.0, 0.0),
        };
        let placing = persons * 8.0 + edges * (8.0 + placing_extra) + index;
        let sorting = persons * 12.0 + edges * (8.0 + sorting_extra) + index;
        (placing.max(sorting), persons * 8.0 + edges * 8.0)
    } else {
        (0.0, 0.0)
    };
    // The first-passage search: a 4-byte time per person, opening times (4 bytes) when some
    // persons open late, and the entries of its window of buckets (8 bytes each; the window
    // narrows once it holds an eighth of the persons, though a widened one can briefly hold
    // more, as when many spontaneous times fall in it). Spread over ranks, also the time each person last passed
    // its edges on, and queue entries for every bucket. Only a trigger that couples persons
    // (contagion) searches.
    let contagion = !crate::migration::per_person(s);
    let search = if contagion { 9.0 } else { 0.0 };
    let distributed_search = if contagion { 16.0 } else { 0.0 };
    let ranks_f = ranks.max(1) as f64;
    // A world's pinned domains: their add days, drawn ones beside them, and a copy while built.
    let people = entries * 4.0 + users * 8.0 + sizes.domains * 12.0;
    let world = if !split || whole_persons {
        let people = if split { people / ranks_f } else { people };
        // The peak is the largest of three moments: the graph being built beside the persons
        // (6 B each); the search, beside one day vector per migration, the eligibility and
        // output days of the migration searched (4 B each) and the built graph; and the records,
        // packed in place where the days were (which grow into them).
        let generating = persons * 6.0 + building;
        let searching = persons * (6.0 + 4.0 * n + 8.0 + search) + built;
        let packing = persons * (6.0 + record) + built;
        generating.max(searching).max(packing) + people
    } else if s.population.import.is_some() {
        // Imported worlds are whole on every rank; only the engine's share is split.
        persons * (6.0 + record + 4.0 * n) + people
    } else {
        // A rank holds its share of users and entries and no persons, and builds its share of
        // the graph: every rank runs the whole generator (the configuration model's stub index
        // of about a byte per person, Barabási–Albert's chosen nodes of 4 bytes per edge; an
        // edge-list file is built whole, then cut) and keeps its persons' lists. Contagion
        // searches beside those lists, then drops them and receives everybody's days (in one
        // buffer, then decoded: twice their size for a moment), or, when users add no contacts,
        // only those of its own persons and of the persons on its lists (with their ids; an
        // exchange copies what it moves about five times over: encoded, joined, received,
        // split, decoded).
        let share = (persons * 8.0 + edges * 8.0) / ranks_f;
        let graph = match &s.population.graph {
            _ if edges == 0.0 => 0.0,
            Some(GraphSpec::Configuration { .. }) => stub_index + share + persons * 4.0 / ranks_f,
            Some(GraphSpec::BarabasiAlbert { .. }) => edges * 4.0 + share,
            _ => building.max(built + share),
        };
        let everyone = if contagion {
            let searching = share + persons / ranks_f * (8.0 + distributed_search);
            let gathering = if s.behaviours.contact_adding.is_empty() {
                let others = (entries / ranks_f).min(persons);
                persons / ranks_f * 4.0 * n + others * 4.0 * (n + 1.0) * 5.0
            } else {
                persons * 4.0 * n * 2.0
            };
            searching.max(gathering)
        } else {
            0.0
        };
        people / ranks_f + graph.max(everyone)
    };
    let days = s.days() as f64;
    let columns = (16 + s.networks.len() + 2 * s.migrations.len() + s.providers.len()) as f64;
    // Engine: per thread, per-day deltas of every column and per-organisation counters.
    let engine = threads as f64 * (columns * days * 8.0 * 2.0 + days * 16.0);
    let per_replication = world + engine;
    let local_jobs = if split {
        1.0
    } else {
        (f64::from(s.replications) / ranks_f).ceil()
    };
    let concurrent = local_jobs.min(threads as f64).max(1.0);
    // A run keeps per organisation a row per replication for `orgs.csv`.
    let org_rows = (sizes.orgs - f64::from(s.orgs.count)) * super::summary::org_row_bytes(s);
    let results = f64::from(s.replications) * (super::summary::output_bytes(s) + org_rows);
    let charts = s.output.charts.len().min(threads) as f64 * CHART_BYTES;
    Estimate {
        users,
        entries,
        persons,
        edges,
        per_replication,
        concurrent,
        results,
        charts,
        pins: sizes.pins,
        total: total(per_replication, concurrent, results, charts) + sizes.pins,
    }
}

/// The peak: the simulation (worlds in memory at once, and the results so far) or the reports
/// (the results and the charts being drawn), whichever is larger, on top of the program.
fn total(per_replication: f64, concurrent: f64, results: f64, charts: f64) -> f64 {
    BASE_BYTES + (per_replication * concurrent + results).max(results + charts)
}

/// The estimate the memory guard compares with its limit (`guard`), for the tests.
#[cfg(test)]
fn guard_estimate(
    scenarios: &[Scenario],
    threads: usize,
    ranks: usize,
) -> Result<Option<Estimate>, WorldErrors> {
    let sizes = scenarios
        .iter()
        .map(sizes_of)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(estimate_with(scenarios, &sizes, threads, ranks))
}

/// The memory guard: refuses `scenarios` run together (one for `run`, several for a sweep) over
/// `ranks` processes of `threads` threads when a replication could outgrow picsim's 32-bit ids,
/// or when the estimate of rank 0's peak exceeds `limit` bytes (none: no limit). A replayed
/// world's folder is measured here, before any of it is read; a problem with the folder itself
/// is refused. Returns the estimate in bytes (0 for no scenario).
pub(crate) fn guard(
    scenarios: &[Scenario],
    threads: usize,
    ranks: usize,
    limit: Option<u64>,
) -> anyhow::Result<f64> {
    let sizes = scenarios
        .iter()
        .map(sizes_of)
        .collect::<Result<Vec<_>, _>>()?;
    let Some(estimate) = estimate_with(scenarios, &sizes, threads, ranks) else {
        return Ok(0.0);
    };
    // Users, entries and persons are numbered with 32-bit ids: a world that could outgrow them is
    // refused whatever the memory (with a margin, since the sizes are expected values).
    for (what, n) in [
        ("users", estimate.users),
        ("contact-list entries", estimate.entries),
        ("persons", estimate.persons),
    ] {
        if n > 0.9 * f64::from(u32::MAX) {
            anyhow::bail!(
                "this world has about {} {what} per replication; picsim numbers them with 32-bit ids, so at most about {} fit: lower orgs.count, orgs.users or population.contacts_per_user{}",
                crate::report::thousands(n),
                crate::report::thousands(0.9 * f64::from(u32::MAX)),
                world_note(&sizes)
            );
        }
    }
    if let Some(limit) = limit {
        if estimate.total > limit as f64 {
            let text = refusal(scenarios, &sizes, &estimate, limit, (threads, ranks));
            anyhow::bail!("{text}");
        }
    }
    Ok(estimate.total)
}

/// What a refusal says of the worlds replayed, if any: where the first pins the most users.
fn world_note(sizes: &[Sizes]) -> String {
    match sizes.iter().find_map(|z| z.world.as_ref()) {
        Some((dir, Some((file, line)))) => {
            format!(", or replay a smaller world (the world in {dir}: {file}:{line} pins the most)")
        }
        Some((dir, None)) => format!(", or replay a smaller world than the one in {dir}"),
        None => String::new(),
    }
}

/// The estimate of rank 0's peak when `scenarios`, of `sizes`, run together over `ranks`
/// processes of `threads` threads; `None` for no scenario.
fn estimate_with(
    scenarios: &[Scenario],
    sizes: &[Sizes],
    threads: usize,
    ranks: usize,
) -> Option<Estimate> {
    let jobs: usize = scenarios.iter().map(|s| s.replications as usize).sum();
    let split = splits(jobs, ranks);
    let estimates: Vec<Estimate> = scenarios
        .iter()
        .zip(sizes)
        .map(|(s, sizes)| estimate_share(s, sizes, threads, ranks, split))
        .collect();
    let jobs = jobs as f64;
    match estimates.as_slice() {
        [one] => Some(*one),
        _ => combined(scenarios, &estimates, jobs, threads),
    }
}

/// The estimate for several scenarios run together (a sweep): the largest replication, as many
/// at a time as threads, the results of the runs in memory at once (those run together, which
/// wait for the runs before them, and the one being written: `super::reuse::span`), a summary
/// per run, and the comparison's charts.
fn combined(
    scenarios: &[Scenario],
    estimates: &[Estimate],
    jobs: f64,
    threads: usize,
) -> Option<Estimate> {
    let largest = estimates
        .iter()
        .max_by(|a, b| a.per_replication.total_cmp(&b.per_replication))?;
    let concurrent = jobs.min(threads as f64).max(1.0);
    let every: f64 = estimates.iter().map(|e| e.results).sum();
    let most = estimates.iter().map(|e| e.results).fold(0.0, f64::max);
    let at_once = every.min((super::reuse::span(scenarios) + 1) as f64 * most);
    // A run's summary: five numbers per reported day and metric.
    let summaries: f64 = scenarios
        .iter()
        .map(|s| super::summary::output_bytes_rows(s) * 5.0)
        .sum();
    let results = at_once + summaries;
    let charts = threads.min(5) as f64 * CHART_BYTES;
    // Each scenario reads its own world, held for the whole sweep.
    let pins: f64 = estimates.iter().map(|e| e.pins).sum();
    Some(Estimate {
        concurrent,
        results,
        charts,
        pins,
        total: total(largest.per_replication, concurrent, results, charts) + pins,
        ..*largest
    })
}

/// Expected users, entries and persons of a generated world, from a sample of its real
/// organisations (their sizes and which networks they serve).
fn generated_sizes(s: &Scenario) -> (f64, f64, f64) {
    let sample = s.orgs.count.min(2000);
    let keys = crate::rng::Keys::new(s.seed, 0);
    let orgs: Vec<crate::world::population::Org> = (0..sample)
        .map(|o| crate::world::population::generate::sample_org(s, &keys, o))
        .collect();
    let scale = f64::from(s.orgs.count) / f64::from(sample.max(1));
    let users = orgs.iter().map(|o| o.users.len() as f64).sum::<f64>() * scale;
    let mixes = OrgMixes::new(s, &orgs);
    let per_network: Vec<f64> = mixes
        .expected_entries(s, &orgs)
        .iter()
        .map(|e| e * scale)
        .collect();
    let entries: f64 = per_network.iter().sum();
    let blocks = person_blocks(s, users as u64, &per_network);
    let persons = blocks.last().map_or(0.0, |b| f64::from(b.end));
    (users, entries, persons)
}

const MIB: f64 = (1u64 << 20) as f64;
const GIB: f64 = (1u64 << 30) as f64;

/// The refusal message when `e` (the estimate of `scenarios`, of `sizes`) exceeds `limit` over
/// `ranks` of `threads` threads: the estimate, its parts, what to lower, and the number of ranks
/// when spreading the run over processes would bring each under the limit.
fn refusal(
    scenarios: &[Scenario],
    sizes: &[Sizes],
    e: &Estimate,
    limit: u64,
    (threads, ranks): (usize, usize),
) -> String {
    let (needed, allowed, unit) = two_sizes(e.total, limit as f64);
    let size = |b: f64| format!("{:.2} {}", b / unit.0, unit.1);
    let s = &scenarios[0];
    // What makes the run large: the scenario's organisations, or the world it replays.
    let lower = match sizes.first().and_then(|z| z.world.clone()) {
        Some((dir, most)) => format!(
            "Replay a smaller world (the world in {dir} makes about {:.1} M users{}), lower --threads (now {threads}) or --replications (now {})",
            e.users / 1e6,
            most.map_or(String::new(), |(file, line)| format!(
                "; {file}:{line} pins the most"
            )),
            s.replications
        ),
        None => format!(
            "Lower orgs.count (now {}), --threads (now {threads}) or --replications (now {})",
            s.orgs.count, s.replications
        ),
    };
    let spread = ranks_needed_with(scenarios, sizes, threads, limit);
    format!(
        "this run needs about {needed} of memory, more than the limit of {allowed}: {} replication{} at a time × {} each \
         (about {:.1} M users, {:.1} M entries, {:.1} M persons{}), plus {} of results{}. \
         {lower}, or raise --memory-limit; --ignore-memory-limit runs anyway.{}",
        e.concurrent,
        if e.concurrent == 1.0 { "" } else { "s" },
        size(e.per_replication),
        e.users / 1e6,
        e.entries / 1e6,
        e.persons / 1e6,
        if e.edges > 0.0 {
            format!(", {:.1} M graph edges", e.edges / 1e6)
        } else {
            String::new()
        },
        size(e.results),
        if e.pins > 0.0 {
            format!(" and {} of the world's files", size(e.pins))
        } else {
            String::new()
        },
        match spread {
            Some(r) if r > ranks => format!(
                " Spread over processes, it would fit with {r} ranks of this size (mpirun -np {r}, a build with --features mpi; see the README's cluster section)."
            ),
            _ => String::new(),
        },
    )
}

/// `needed` and `limit` (bytes) in one unit, GiB or below 1 GiB MiB, with as many decimals as it
/// takes for the two to read differently (at least one), and that unit.
fn two_sizes(needed: f64, limit: f64) -> (String, String, (f64, &'static str)) {
    let unit = if needed.min(limit) >= GIB {
        (GIB, "GiB")
    } else {
        (MIB, "MiB")
    };
    let show = |b: f64, decimals: usize| format!("{:.decimals$} {}", b / unit.0, unit.1);
    let decimals = (1..=9)
        .find(|&d| show(needed, d) != show(limit, d))
        .unwrap_or(9);
    (show(needed, decimals), show(limit, decimals), unit)
}

/// `ranks_needed_with` of the scenarios' own sizes, for the tests.
#[cfg(test)]
fn ranks_needed(scenarios: &[Scenario], threads: usize, limit: u64) -> Option<usize> {
    let sizes: Vec<Sizes> = scenarios
        .iter()
        .map(|s| sizes_of(s).ok())
        .collect::<Option<_>>()?;
    ranks_needed_with(scenarios, &sizes, threads, limit)
}

/// The fewest ranks over which `scenarios` (of `sizes`) would pass the memory guard at `limit`
/// bytes per rank (`None` if even 4096 would not do: what rank 0 keeps for the reports does not
/// shrink, nor do the parts of a graph every rank builds whole, such as Barabási–Albert's chosen
/// nodes).
fn ranks_needed_with(
    scenarios: &[Scenario],
    sizes: &[Sizes],
    threads: usize,
    limit: u64,
) -> Option<usize> {
    let mut ranks = 1;
    while ranks <= 4096 {
        let estimate = estimate_with(scenarios, sizes, threads, ranks);
        if estimate.is_some_and(|e| e.total <= limit as f64) {
            return Some(ranks);
        }
        ranks *= 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Override;

    /// The default scenario with `--set` overrides.
    fn pic(sets: &[&str]) -> Scenario {
        let overrides: Vec<Override> = sets.iter().map(|o| Override::parse(o).unwrap()).collect();
        crate::scenario::load_file(std::path::Path::new("scenarios/pic-2013.toml"), &overrides)
            .unwrap()
    }

    #[test]
    fn a_sweep_is_estimated_in_the_mode_it_will_run() {
        // Two one-replication runs over two ranks: two jobs, so each rank runs a whole job (not
        // a share of each), and each rank needs a whole replication's world, as one process does.
        let one = pic(&[
            "orgs.count=300",
            "scenario.replications=1",
            "output.charts=[]",
        ]);
        let whole = guard_estimate(std::slice::from_ref(&one), 2, 1)
            .unwrap()
            .unwrap();
        let alone = guard_estimate(std::slice::from_ref(&one), 2, 2)
            .unwrap()
            .unwrap();
        let sweep = guard_estimate(&[one.clone(), one], 2, 2).unwrap().unwrap();
        assert!(splits(1, 2) && !splits(2, 2) && !splits(1, 1));
        assert!(alone.per_replication < whole.per_replication);
        assert_eq!(sweep.per_replication, whole.per_replication);
    }

    #[test]
    fn ranks_are_suggested_only_when_they_bring_each_rank_under_the_limit() {
        let limit = 30 << 20;
        let one = [pic(&[
            "orgs.count=2500",
            "scenario.replications=1",
            "output.charts=[]",
        ])];
        let too_big = guard_estimate(&one, 2, 1).unwrap().unwrap();
        assert!(too_big.total > limit as f64);
        let ranks = ranks_needed(&one, 2, limit).unwrap();
        assert!(guard_estimate(&one, 2, ranks).unwrap().unwrap().total <= limit as f64);
        let sizes = [sizes_of(&one[0]).unwrap()];
        let text = refusal(&one, &sizes, &too_big, limit, (2, 1));
        assert!(text.contains(&format!("mpirun -np {ranks}")), "{text}");
        // A sweep keeps the results of the runs in memory at once and a summary of the others
        // (five numbers per day and metric, a tenth of one run's results here): a hundred runs
        // need less than twice what ten need, not ten times.
        let one = pic(&["orgs.count=2500", "scenario.replications=20"]);
        let runs = |n: usize| {
            guard_estimate(&vec![one.clone(); n], 2, 1)
                .unwrap()
                .unwrap()
        };
        let (ten, hundred) = (runs(10), runs(100));
        let single = guard_estimate(std::slice::from_ref(&one), 2, 1)
            .unwrap()
            .unwrap();
        assert!(
            hundred.results < 2.0 * ten.results,
            "{hundred:?} against {ten:?}"
        );
        assert!(hundred.results < 10.0 * single.results);
        assert!(ten.results > single.results);
        // A sweep too large for one process's memory is told to lower its size, never to add
        // ranks, when the results alone are over the limit.
        let limit = (hundred.results * 0.9) as u64;
        let sweep = vec![one; 100];
        assert_eq!(ranks_needed(&sweep, 2, limit), None);
        let sizes: Vec<Sizes> = sweep.iter().map(|s| sizes_of(s).unwrap()).collect();
        assert!(!refusal(&sweep, &sizes, &hundred, limit, (2, 1)).contains("mpirun"));
    }

    #[test]
    fn the_estimate_and_the_limit_read_differently() {
        let (a, b, _) = two_sizes(0.14 * GIB, 0.1 * GIB);
        assert_eq!((a.as_str(), b.as_str()), ("143.4 MiB", "102.4 MiB"));
        let (a, b, _) = two_sizes(2.0004 * GIB, 2.0 * GIB);
        assert_eq!((a.as_str(), b.as_str()), ("2.0004 GiB", "2.0000 GiB"));
        let (a, b, _) = two_sizes(20.04 * MIB, 20.0 * MIB);
        assert_eq!((a.as_str(), b.as_str()), ("20.04 MiB", "20.00 MiB"));
    }

    #[test]
    fn a_worlds_files_size_its_replications() {
        let dir = tempfile::tempdir().unwrap();
        let w = dir.path().join("w");
        std::fs::create_dir(&w).unwrap();
        let world = format!("population.world={:?}", w.display().to_string());
        let base = pic(&["orgs.count=100", "scenario.replications=1"]);
        let plain = sizes_of(&base).unwrap();
        // Nothing pinned: the scenario's own sizes (the world has the scenario's organisations).
        let empty = sizes_of(&pic(&["orgs.count=100", "scenario.replications=1", &world])).unwrap();
        assert!(
            (empty.users - plain.users).abs() < 1e-6 * plain.users,
            "{empty:?}"
        );
        assert!((empty.persons - plain.persons).abs() < 1e-6 * plain.persons.max(1.0));
        // Two organisations, one pinned at 10^8 users: those, and one drawn organisation's worth;
        // entries and persons in the scenario's proportions to users.
        std::fs::write(w.join("orgs.csv"), "org,users\n0,100000000\n1,\n").unwrap();
        let s = pic(&["orgs.count=100", "scenario.replications=1", &world]);
        let big = sizes_of(&s).unwrap();
        let per_org = plain.users / 100.0;
        assert!((big.users - (1e8 + per_org)).abs() < 1.0, "{big:?}");
        let ratio = |a: f64, b: f64| a / b;
        assert!((ratio(big.entries, big.users) - ratio(plain.entries, plain.users)).abs() < 1e-9);
        let estimate =
            estimate_with(std::slice::from_ref(&s), std::slice::from_ref(&big), 1, 1).unwrap();
        assert!(estimate.total > 10.0 * GIB, "{estimate:?}");
        let text = refusal(std::slice::from_ref(&s), &[big], &estimate, 1 << 30, (1, 1));
        assert!(text.contains("orgs.csv:2 pins the most"), "{text}");
        // users.csv fixes the users, entries.csv the entries, persons.csv the persons: their rows.
        std::fs::write(w.join("users.csv"), "user,org\n0,0\n1,0\n2,1\n").unwrap();
        std::fs::write(w.join("entries.csv"), "user,person\n0,0\n\n").unwrap();
        std::fs::write(w.join("persons.csv"), "person,home\n0,wlm\n1,wlm\n").unwrap();
        let rows = sizes_of(&s).unwrap();
        assert_eq!((rows.users, rows.entries, rows.persons), (3.0, 2.0, 2.0));
        assert!(rows.pins > 0.0);
        // A file a world does not have is refused here, before any is read.
        std::fs::write(w.join("org.csv"), "org\n0\n").unwrap();
        assert!(sizes_of(&s).is_err());
    }
}

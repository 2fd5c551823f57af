//! Distributed runs against one process: ranks as threads ([`LocalRanks`]) give byte-identical
//! CSVs, whether ranks share replications or split one replication, with `sign_in`, `bass` and
//! imported contact lists. (The same code runs over MPI with the `mpi` feature; see `mpi.rs`.)

use picsim::comm::LocalRanks;
use picsim::migration::{self, Computed, PersonSource, Stored};
use picsim::run::summary::RunResult;
use picsim::scenario::{Override, Scenario, load_file};
use std::path::Path;

fn scenario(file: &str, extra: &[&str]) -> Scenario {
    let overrides: Vec<Override> = extra.iter().map(|o| Override::parse(o).unwrap()).collect();
    load_file(Path::new(file), &overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// The three CSVs of a result, as bytes.
fn csvs(r: &RunResult) -> Vec<Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    picsim::run::report::csv::write_series(r, &dir.path().join("s")).unwrap();
    picsim::run::report::csv::write_summary(r, &dir.path().join("m")).unwrap();
    picsim::run::report::csv::write_orgs(r, &dir.path().join("o")).unwrap();
    ["s", "m", "o"]
        .iter()
        .map(|f| std::fs::read(dir.path().join(f)).unwrap())
        .collect()
}

fn assert_same_as_one_process(scenarios: &[Scenario], ranks: usize) {
    let one = picsim::run::run_local(scenarios, 1, &|_| {}).unwrap();
    let many = LocalRanks::run(ranks, |c| {
        picsim::run::run_many(scenarios, 1, c, &|_| {}).unwrap()
    });
    let (first, rest) = many.split_first().unwrap();
    assert!(rest.iter().all(Option::is_none), "only rank 0 gets results");
    let spread = first.as_ref().expect("rank 0 has the results");
    assert_eq!(spread.len(), one.len());
    for (a, b) in one.iter().zip(spread) {
        for (i, (x, y)) in csvs(a).iter().zip(csvs(b)).enumerate() {
            assert!(
                x == &y,
                "{} differs with {ranks} ranks ({})",
                ["series.csv", "summary.csv", "orgs.csv"][i],
                a.scenario.name
            );
        }
        assert_eq!(a.sizes.users, b.sizes.users);
        assert_eq!(a.sizes.entries, b.sizes.entries);
        assert_eq!(a.sizes.persons, b.sizes.persons);
        assert_eq!(a.sizes.graph_edges, b.sizes.graph_edges);
        assert_eq!(a.stats, b.stats);
    }
}

#[test]
fn ranks_sharing_replications_match_one_process() {
    let s = scenario(
        "scenarios/pic-2013.toml",
        &["orgs.count=60", "scenario.replications=5"],
    );
    assert_same_as_one_process(&[s], 2);
}

#[test]
fn ranks_splitting_one_replication_match_one_process() {
    let s = scenario(
        "scenarios/pic-2013.toml",
        &["orgs.count=150", "scenario.replications=1"],
    );
    for ranks in [2, 3] {
        assert_same_as_one_process(std::slice::from_ref(&s), ranks);
    }
}

#[test]
fn contagion_split_over_ranks_matches_one_process() {
    let s = scenario(
        "scenarios/wlm-bass.toml",
        &["orgs.count=80", "scenario.replications=1"],
    );
    for ranks in [2, 3] {
        assert_same_as_one_process(std::slice::from_ref(&s), ranks);
    }
    // With initial adopters chosen by count across ranks, and a Barabási–Albert graph.
    let s = scenario(
        "benches/peers/ba-world.toml",
        &["population.persons_per_user.a=3000", "migrations.0.p=0.5"],
    );
    assert_same_as_one_process(std::slice::from_ref(&s), 4);
}

#[test]
fn days_sent_only_where_lists_meet_them_match_one_process() {
    // Without contact adding, a rank's engine meets only its own persons and those on its
    // users' lists, so it asks their owners for those days alone instead of receiving all.
    let with_adding = scenario(
        "scenarios/wlm-bass.toml",
        &["orgs.count=80", "scenario.replications=1"],
    );
    let without = scenario(
        "scenarios/wlm-bass.toml",
        &[
            "orgs.count=80",
            "scenario.replications=1",
            "behaviours.contact_adding=[]",
            "sensitivity={}",
        ],
    );
    for ranks in [2, 3] {
        assert_same_as_one_process(std::slice::from_ref(&without), ranks);
    }
    // The search sends the same in both (contact adding does not touch it); the days less.
    let sent = |s: &Scenario| {
        LocalRanks::run(3, |c| {
            picsim::run::run_many(std::slice::from_ref(s), 1, c, &|_| {}).unwrap();
            c.sent_bytes()
        })
    };
    let (all, met) = (sent(&with_adding), sent(&without));
    for (rank, (a, m)) in all.iter().zip(&met).enumerate() {
        assert!(
            m < a,
            "rank {rank} sent {m} bytes, against {a} when every day is gathered"
        );
    }
}

#[test]
fn a_sweep_spread_over_ranks_matches_one_process() {
    let a = scenario(
        "scenarios/pic-2013.toml",
        &[
            "orgs.count=40",
            "scenario.replications=2",
            "behaviours.recovery.probability=0",
        ],
    );
    let b = scenario(
        "scenarios/pic-2013.toml",
        &[
            "orgs.count=40",
            "scenario.replications=2",
            "behaviours.recovery.probability=1",
        ],
    );
    assert_same_as_one_process(&[a, b], 3);
}

#[test]
fn imported_lists_spread_over_ranks_match_one_process() {
    let s = scenario("scenarios/my-org.toml", &["scenario.replications=1"]);
    let Some(list) = &s.population.import else {
        panic!("my-org imports")
    };
    assert!(!list.rejected.is_empty());
    assert_same_as_one_process(std::slice::from_ref(&s), 2);
    let s = scenario("scenarios/my-org.toml", &["scenario.replications=3"]);
    assert_same_as_one_process(std::slice::from_ref(&s), 2);
}

#[test]
fn computed_persons_equal_stored_ones() {
    let s = scenario("scenarios/lync-to-teams-2025.toml", &["orgs.count=60"]);
    let pop = picsim::world::population::generate(&s, 3).unwrap();
    let days = migration::compute(&s, &pop, 3);
    let stored = Stored {
        days: &days,
        migrations: &s.migrations,
    };
    let computed = Computed::new(&s, 3, &pop.blocks, None);
    for p in (0..pop.persons.len() as u32).step_by(7) {
        let (a, b) = (stored.view(p), computed.view(p));
        assert_eq!(a.person, b.person, "person {p}");
        assert_eq!(a.days, b.days, "person {p}");
    }
}

#[test]
fn ownership_covers_every_person_once() {
    for (persons, size) in [(10u32, 3usize), (1000, 4), (7, 7), (5, 2)] {
        let mut next = 0;
        for r in 0..size {
            let owned = picsim::comm::partition::owned_persons(persons, r, size);
            assert_eq!(owned.start, next);
            for p in owned.clone() {
                assert_eq!(picsim::comm::partition::owner_of(p, persons, size), r);
            }
            next = owned.end;
        }
        assert_eq!(next, persons);
    }
}

//! `bass` contagion against closed forms.
//!
//! On a complete graph the SI process with spontaneous rate p and per-contact rate q/(N − 1) is
//! the Bass model: the adopted share follows F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p)·e^{−(p+q)t}).
//! With q = 0 every person adopts independently: F(t) = 1 − e^{−pt}. A person adopting at
//! continuous time τ migrates on day ⌈τ⌉ after `window.from`, so the share migrated by day d is
//! F(d / 365).

use crate::support::{World, scenario};
use picsim::migration::{self, OUTSIDE};
use picsim::world::population::graph::Graph;

fn bass_rules(p: f64, q: f64, initial: &str, extra: &str) -> String {
    format!(
        r#"
[scenario]
name = "bass"
start = 2013-01-01
end = 2016-12-31
[networks.a]
capabilities = [{{ modalities = ["im"] }}]
[networks.b]
capabilities = [{{ modalities = ["im"] }}]
[[migrations]]
from = "a"
to = "b"
trigger = "bass"
window = {{ from = 2013-01-01 }}
p = {p}
q = {q}
{initial}
{extra}
"#
    )
}

const GRAPH: &str = "\n[population.graph]\nkind = \"barabasi_albert\"\nm = 1\n";

/// A world of `n` persons on network a and the given graph (the scenario's generated graph is
/// replaced by the one given: its kind only has to validate).
fn world(rules: &str, n: usize, graph: Option<Graph>) -> World {
    let s = scenario(
        &format!(
            "{rules}\n[[population.activity]]\nclass = \"active\"\nshare = 1.0\nmean_days_between_sign_ins = 1.0\n"
        ),
        "a",
    );
    let mut w = World::new(s);
    for _ in 0..n {
        w.person("a", &[], &[]);
    }
    w.graph = graph;
    w
}

/// Days after `window.from` by which each person migrated, per replication.
fn migrated_by_day(w: &World, reps: u32, days: usize) -> Vec<Vec<f64>> {
    let pop = w.build();
    (0..reps)
        .map(|r| {
            let d = migration::compute(&w.s, &pop, r);
            let mut hist = vec![0u64; days + 1];
            for day in d.rows().map(|r| r[0]) {
                assert_ne!(day, OUTSIDE);
                if (0..=days as i32).contains(&day) {
                    hist[day as usize] += 1;
                }
            }
            let mut acc = 0u64;
            hist.iter()
                .map(|h| {
                    acc += h;
                    acc as f64 / pop.persons.len() as f64
                })
                .collect()
        })
        .collect()
}

fn complete_graph(n: u32) -> Graph {
    let edges: Vec<(u32, u32)> = (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .collect();
    Graph::from_edges(n as usize, &edges)
}

/// Complete graph, N = 2000, p = 0.5, q = 4 per year, 12 replications. The replications' mean share
/// on each day is compared with the Bass curve; the tolerance is 4 standard errors of that mean
/// (from the replications' spread) plus 2/N for the finite-N gap between a contact rate of
/// q/(N − 1) per adopter and the Bass limit.
#[test]
fn bass_on_a_complete_graph_follows_the_bass_curve() {
    let (p, q, n, reps) = (0.5, 4.0, 2000u32, 12u32);
    let w = world(
        &bass_rules(p, q, "", GRAPH),
        n as usize,
        Some(complete_graph(n)),
    );
    let days = 3 * 365;
    let curves = migrated_by_day(&w, reps, days);
    let mut worst = 0.0f64;
    for d in (1..=days).step_by(5) {
        let t = d as f64 / 365.0;
        let e = (-(p + q) * t).exp();
        let bass = (1.0 - e) / (1.0 + (q / p) * e);
        let xs: Vec<f64> = curves.iter().map(|c| c[d]).collect();
        let mean = xs.iter().sum::<f64>() / f64::from(reps);
        let sd = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / f64::from(reps - 1)).sqrt();
        let tolerance = 4.0 * sd / f64::from(reps).sqrt() + 2.0 / f64::from(n);
        worst = worst.max((mean - bass).abs() / tolerance);
        assert!(
            (mean - bass).abs() <= tolerance,
            "day {d}: mean share {mean:.4}, Bass {bass:.4}, tolerance {tolerance:.4}"
        );
    }
    assert!(worst > 0.0);
}

/// q = 0: independent adoptions at rate p; N = 100 000, one replication: a binomial share with sd
/// sqrt(F(1 − F)/N); we allow 5 sd.
#[test]
fn bass_without_word_of_mouth_is_exponential() {
    let (p, n) = (0.8, 100_000);
    let w = world(&bass_rules(p, 0.0, "", ""), n, None);
    let curve = &migrated_by_day(&w, 1, 4 * 365)[0];
    for (d, share) in curve.iter().enumerate().skip(1).step_by(7) {
        let f = 1.0 - (-p * d as f64 / 365.0).exp();
        let sd = (f * (1.0 - f) / n as f64).sqrt();
        assert!(
            (share - f).abs() <= 5.0 * sd + 1e-12,
            "day {d}: share {share}, closed form {f}"
        );
    }
}

/// Initial adopters migrate on `window.from` (a count, or a share); with tiny rates nobody else
/// does that day.
#[test]
fn initial_adopters_migrate_on_the_first_day() {
    let w = world(
        &bass_rules(1e-9, 1e-9, "initial = 25", GRAPH),
        1000,
        Some(complete_graph(50)),
    );
    let curve = &migrated_by_day(&w, 1, 10)[0];
    assert_eq!(curve[0], 25.0 / 1000.0);
    let w = world(
        &bass_rules(1e-9, 1e-9, "initial = 0.2", GRAPH),
        20_000,
        None,
    );
    let share = migrated_by_day(&w, 1, 1)[0][0];
    // Binomial(20000, 0.2): sd 0.0028; allow 5 sd.
    assert!((share - 0.2).abs() < 0.015, "{share}");
}

/// `forced_by` migrates everyone still waiting, dormant persons included; dormant persons never
/// adopt by themselves and pass nothing on.
#[test]
fn forced_by_and_dormant_persons() {
    let rules = bass_rules(2.0, 0.0, "forced_by = 2014-01-01", "");
    let s = scenario(
        &format!(
            "{rules}\n[[population.activity]]\nclass = \"active\"\nshare = 0.5\nmean_days_between_sign_ins = 1.0\n[[population.activity]]\nclass = \"dormant\"\nshare = 0.5\ndormant = true\n"
        ),
        "a",
    );
    let mut w = World::new(s);
    for _ in 0..2000 {
        w.person("a", &[], &[]);
    }
    let mut pop = w.build();
    // Half the persons dormant (class 1).
    for (i, p) in pop.persons.iter_mut().enumerate() {
        p.class = (i % 2) as u8;
    }
    let days = migration::compute(&w.s, &pop, 0);
    let forced = w.day("2014-01-01");
    for (i, d) in days.rows().map(|r| r[0]).enumerate() {
        if i % 2 == 1 {
            assert_eq!(d, forced, "a dormant person migrates only when forced");
        } else {
            assert!(d <= forced);
        }
    }
    // With p = 2 per year, an active person is still waiting a year later with probability e^−2.
    let waiting = days
        .rows()
        .map(|r| r[0])
        .step_by(2)
        .filter(|&d| d == forced)
        .count() as f64
        / 1000.0;
    assert!(
        (waiting - (-2.0f64 * 365.0 / 365.0).exp()).abs() < 0.05,
        "{waiting}"
    );
}

/// The answer does not depend on how the graph is given: the same edges in another order (and
/// stored anew) give the same days.
#[test]
fn days_do_not_depend_on_edge_order() {
    let edges: Vec<(u32, u32)> = (0..3000u32)
        .map(|i| (i, (i * 7 + 1) % 3000))
        .chain((0..3000).map(|i| (i, (i * 13 + 5) % 3000)))
        .collect();
    let mut reversed = edges.clone();
    reversed.reverse();
    let reversed: Vec<(u32, u32)> = reversed.into_iter().map(|(a, b)| (b, a)).collect();
    let a = world(
        &bass_rules(0.2, 3.0, "initial = 3", GRAPH),
        3000,
        Some(Graph::from_edges(3000, &edges)),
    );
    let b = world(
        &bass_rules(0.2, 3.0, "initial = 3", GRAPH),
        3000,
        Some(Graph::from_edges(3000, &reversed)),
    );
    let da = migration::compute(&a.s, &a.build(), 0);
    let db = migration::compute(&b.s, &b.build(), 0);
    assert_eq!(da, db);
}

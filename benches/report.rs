//! Report writing: the CSV files and a chart of a small default run.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn reports(c: &mut Criterion) {
    let mut s = common::default_world(250);
    s.replications = 5;
    let r = picsim::run::run(&s, 1, &|_| {}).expect("runs");
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    group.bench_function("series_csv_5_reps", |b| {
        b.iter(|| {
            picsim::run::report::csv::write_series(black_box(&r), &dir.path().join("series.csv"))
                .expect("writes")
        })
    });
    group.bench_function("summary_csv", |b| {
        b.iter(|| {
            picsim::run::report::csv::write_summary(black_box(&r), &dir.path().join("summary.csv"))
                .expect("writes")
        })
    });
    group.bench_function("orgs_csv_5_reps", |b| {
        b.iter(|| {
            picsim::run::report::csv::write_orgs(black_box(&r), &dir.path().join("orgs.csv"))
                .expect("writes")
        })
    });
    group.bench_function("chart_reachable_by_network", |b| {
        b.iter(|| {
            picsim::run::report::chart::draw(
                black_box(&r),
                picsim::scenario::Chart::ReachableByNetwork,
                &dir.path().join("c.png"),
            )
            .expect("draws")
        })
    });
    group.finish();
}

criterion_group!(benches, reports);
criterion_main!(benches);

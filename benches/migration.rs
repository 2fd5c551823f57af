//! Migration days: `sign_in` on the default world, `bass` (first passage) on a Barabási–Albert
//! graph.

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn migrations(c: &mut Criterion) {
    let mut group = c.benchmark_group("migration/sign_in");
    group.sample_size(10);
    for orgs in [250u32, 2500] {
        let s = common::default_world(orgs);
        let pop = picsim::world::population::generate(&s, 0).expect("generates");
        group.bench_with_input(
            BenchmarkId::from_parameter(pop.persons.len()),
            &(s, pop),
            |b, (s, pop)| b.iter(|| black_box(picsim::migration::compute(s, pop, 0))),
        );
    }
    group.finish();
    let mut group = c.benchmark_group("migration/bass");
    group.sample_size(10);
    for persons in [100_000u32, 1_000_000] {
        let s = common::ba_world(persons);
        let pop = picsim::world::population::generate(&s, 0).expect("generates");
        group.bench_with_input(
            BenchmarkId::from_parameter(persons),
            &(s, pop),
            |b, (s, pop)| b.iter(|| black_box(picsim::migration::compute(s, pop, 0))),
        );
    }
    group.finish();
}

criterion_group!(benches, migrations);
criterion_main!(benches);

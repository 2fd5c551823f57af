//! Population generation: organisations, persons and contact lists of the default world.

mod common;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn generation(c: &mut Criterion) {
    let mut group = c.benchmark_group("population/generate");
    group.sample_size(10);
    for orgs in [250u32, 2500] {
        let s = common::default_world(orgs);
        group.bench_with_input(BenchmarkId::from_parameter(orgs), &s, |b, s| {
            b.iter(|| black_box(picsim::world::population::generate(s, 0).expect("generates")))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("population/graph_barabasi_albert");
    group.sample_size(10);
    for persons in [100_000u32, 1_000_000] {
        let keys = picsim::rng::Keys::new(7, 0);
        group.bench_with_input(BenchmarkId::from_parameter(persons), &persons, |b, &n| {
            b.iter(|| {
                black_box(picsim::world::population::barabasi_albert::barabasi_albert(
                    n as usize, 5, &keys,
                ))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, generation);
criterion_main!(benches);

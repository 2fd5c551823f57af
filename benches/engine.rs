//! The engine: every entry's history into per-day counts, on the default world.

mod common;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use picsim::engine::adding::Pools;
use picsim::world::profiles::Profiles;
use std::hint::black_box;

fn engine(c: &mut Criterion) {
    let mut group = c.benchmark_group("engine/run");
    group.sample_size(10);
    for orgs in [250u32, 2500] {
        let s = common::default_world(orgs);
        let pop = picsim::world::population::generate(&s, 0).expect("generates");
        let days = picsim::migration::compute(&s, &pop, 0);
        let profiles = Profiles::build(&s, &pop);
        let stored = picsim::migration::Stored {
            days: &days,
            migrations: &s.migrations,
        };
        let everyone = 0..pop.persons.len() as u32;
        let pools = Pools::build(&s, &stored, everyone.clone());
        group.throughput(Throughput::Elements(pop.entry_count()));
        group.bench_with_input(
            BenchmarkId::from_parameter(pop.entry_count()),
            &(),
            |b, _| {
                b.iter(|| {
                    let ctx = picsim::engine::Context::new(
                        &s,
                        &pop,
                        &stored,
                        everyone.clone(),
                        &profiles,
                        &pools,
                        0,
                    );
                    black_box(picsim::engine::run(&ctx, &|| {}))
                })
            },
        );
    }
    group.finish();
    let mut group = c.benchmark_group("engine/profiles");
    group.sample_size(10);
    let s = common::default_world(2500);
    let pop = picsim::world::population::generate(&s, 0).expect("generates");
    group.bench_function("2500_orgs", |b| {
        b.iter(|| black_box(Profiles::build(&s, &pop)))
    });
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);

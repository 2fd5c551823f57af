//! Summaries across replications: mean, sem and percentiles per day and metric.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn summaries(c: &mut Criterion) {
    let mut group = c.benchmark_group("summary/summarise");
    group.sample_size(20);
    // 914 reported days × 30 metrics, as the default scenario.
    let cells = 914 * 30;
    for reps in [20usize, 200] {
        let mut rng = picsim::rng::plain(5);
        let series: Vec<Vec<i64>> = (0..reps)
            .map(|_| {
                (0..cells)
                    .map(|_| (picsim::rng::open01(&mut rng) * 1e6) as i64)
                    .collect()
            })
            .collect();
        group.bench_with_input(BenchmarkId::from_parameter(reps), &series, |b, series| {
            b.iter(|| black_box(picsim::run::summary::summarise(series)))
        });
    }
    group.finish();
}

criterion_group!(benches, summaries);
criterion_main!(benches);

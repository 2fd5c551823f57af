//! The machine's memory roofline, to set the engine's speed against (BENCHMARKS.md).
//!
//! The engine reads each entry's person id sequentially (4 bytes) and then that person's 16-byte
//! record at a random place in a table far bigger than the cache. Two figures bound it:
//! - `memory/stream_read`: sequential read bandwidth over 1 GiB, on all cores;
//! - `memory/random_gather`: independent reads of 16-byte records at random indices in a
//!   1 GiB table, on all cores, the engine's access pattern without its logic. Each such read
//!   pulls a whole 64-byte cache line from memory.
//!
//! `cargo bench --bench memory`; throughput is reported in bytes (stream) and records (gather).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rayon::prelude::*;
use std::hint::black_box;

const TABLE_BYTES: usize = 1 << 30;
const GATHERS: usize = 1 << 24;

fn memory(c: &mut Criterion) {
    let mut group = c.benchmark_group("memory");
    group.sample_size(10);

    let words: Vec<u64> = (0..TABLE_BYTES / 8).map(|i| i as u64).collect();
    group.throughput(Throughput::Bytes(TABLE_BYTES as u64));
    group.bench_function("stream_read", |b| {
        b.iter(|| {
            words
                .par_chunks(1 << 16)
                .map(|c| c.iter().fold(0u64, |a, &w| a.wrapping_add(w)))
                .reduce(|| 0, u64::wrapping_add)
        })
    });
    drop(words);

    let records: Vec<[i32; 4]> = (0..TABLE_BYTES / 16).map(|i| [i as i32; 4]).collect();
    // Random indices from a fixed SplitMix64 stream, read sequentially like entries.
    let mut state = 2013u64;
    let indices: Vec<u32> = (0..GATHERS)
        .map(|_| {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) % records.len() as u64) as u32
        })
        .collect();
    group.throughput(Throughput::Elements(GATHERS as u64));
    group.bench_function("random_gather", |b| {
        b.iter(|| {
            indices
                .par_chunks(1 << 14)
                .map(|c| {
                    c.iter().fold(0i64, |a, &i| {
                        let r = &records[i as usize];
                        a + i64::from(r[0] ^ r[2])
                    })
                })
                .sum::<i64>()
        })
    });
    black_box(&records);
    group.finish();
}

criterion_group!(benches, memory);
criterion_main!(benches);

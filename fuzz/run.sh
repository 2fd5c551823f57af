#!/usr/bin/env bash
# The long fuzz pass over the scenario loader and the contact-list and edge-list readers: N inputs
# (default 10^6) from SEED (default 1), mutated from the corpus in fuzz/seeds.txt and loaded in
# process (the ignored test fuzz::long_run in tests/integration/fuzz.rs). Prints the counts
# (inputs, accepted, refused with a position, refused without one, panics, messages showing a
# contact address) and saves every distinct finding with the input that first showed it under
# fuzz/results/seed-SEED-n-N/ (summary.txt lists them, with counts).
#
# Usage: fuzz/run.sh [N] [SEED]      Environment: FUZZ_THREADS (2), FUZZ_RESULTS (the folder)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-1000000}
seed=${2:-1}
cd "$root"
FUZZ_INPUTS=$n FUZZ_SEED=$seed \
  FUZZ_RESULTS=${FUZZ_RESULTS:-$root/fuzz/results/seed-$seed-n-$n} \
  cargo test --release --test integration fuzz::long_run -- --ignored --exact --nocapture

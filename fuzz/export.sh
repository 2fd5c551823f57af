#!/usr/bin/env bash
# The long fuzz pass over the export door (Export-CsUserData ZIPs, DocItemSet.xml, Lync 2010
# dbimpexp XML): N inputs (default 10^5) from SEED (default 1), mutated from fuzz/seeds/export/
# and loaded in process (the ignored test fuzz::export::long_run in
# tests/integration/fuzz/export.rs), under a 4 GB address-space limit (an allocation past it
# aborts the pass, which then never prints its counts) and at low priority. Prints the counts
# (inputs, accepted, refused with a position, refused without one, panics, messages showing an
# address; then per kind of input) and saves every distinct finding with the input that first
# showed it under fuzz/results/export-seed-SEED-n-N/ (summary.txt lists them).
#
# Usage: fuzz/export.sh [N] [SEED]   Environment: FUZZ_THREADS (2), FUZZ_RESULTS (the folder),
#                                     FUZZ_ADDRESS_SPACE (bytes, 4294967296)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-100000}
seed=${2:-1}
cd "$root"
# Built first, outside the limit (the compiler needs more).
cargo test --release --test integration --no-run
FUZZ_INPUTS=$n FUZZ_SEED=$seed \
  FUZZ_RESULTS=${FUZZ_RESULTS:-$root/fuzz/results/export-seed-$seed-n-$n} \
  nice -n 19 prlimit --as="${FUZZ_ADDRESS_SPACE:-4294967296}" \
  cargo test --release --test integration fuzz::export::long_run -- --ignored --exact --nocapture

#!/usr/bin/env bash
# The calibration target of BENCHMARKS.md: the default scenario (scenarios/pic-2013.toml, full
# size) with three of its sign-in and enable keys fitted to 30 observed days (the synthetic
# observations of scenarios/examples/synthetic-first-30-days.csv), on every core. Prints the
# wall time, peak memory (GNU time), simulations, generations and why the sampler stopped.
# Not run by CI (minutes).   PARTICLES (50), SIMULATIONS (900): the sampler's limits.
#   bash benches/calibrate-default.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d /tmp/picsim-calibrate.XXXXXX)/cal}
cargo build --release --quiet
lscpu | grep 'Model name' || true
uptime
/usr/bin/time -v ./target/release/picsim calibrate scenarios/pic-2013.toml \
  --observed scenarios/examples/synthetic-first-30-days.csv \
  --fit population.activity.1.mean_days_between_sign_ins=log:2.0..30.0 \
  --fit population.activity.2.mean_days_between_sign_ins=log:10.0..120.0 \
  --fit orgs.providers.msn.0.share=0.3..0.9 \
  --particles "${PARTICLES:-50}" --max-simulations "${SIMULATIONS:-900}" \
  --out "$out" --force 2> "$out.time"
grep -E "Elapsed|Maximum resident" "$out.time"
cat "$out/calibration.csv"

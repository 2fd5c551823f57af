#!/usr/bin/env bash
# Two builds of picsim timed against each other on a replayed world, alternating old and new so
# that the machine's drift falls on both alike: the 1 M-user world of benches/scale-world.toml
# (replication 0, exported once by the new build) replayed by `run --world` (1 replication),
# RUNS times each (default 5). Prints each build's median wall time (min–max) and the ratio
# new/old, then the new build's `validate` of the same world (which reads it and builds the
# replication's world, as run does before its engine). Not run by CI.
#
# Usage: benches/world-replay.sh OLD_BINARY NEW_BINARY     Environment: RUNS (5), ORGS (8475)
set -euo pipefail
old=${1:?usage: benches/world-replay.sh OLD_BINARY NEW_BINARY}
new=${2:?usage: benches/world-replay.sh OLD_BINARY NEW_BINARY}
runs=${RUNS:-5}
orgs=${ORGS:-8475}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/picsim-world-replay.XXXXXX)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
wall() { # binary args... → seconds on stdout
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}
range() { printf '%.2f s (%.2f–%.2f)' "$(median < "$1")" "$(sort -g "$1" | head -1)" "$(sort -g "$1" | tail -1)"; }

lscpu | awk -F': *' '/Model name/ { print "CPU:", $2 }'
echo "cores: $(nproc), runs: $runs, orgs.count=$orgs"
scenario=$root/benches/scale-world.toml
"$new" population "$scenario" --set "orgs.count=$orgs" --seed 11 --ignore-memory-limit \
  --export "$work/world" > /dev/null
du -sh "$work/world" | awk '{ print "world:", $1 }'
: > "$work/old"; : > "$work/new"; : > "$work/validate"
for i in $(seq "$runs"); do
  for side in old new; do
    bin=${!side}
    wall "$bin" run "$scenario" --set "orgs.count=$orgs" --replications 1 --seed 11 --quiet \
      --force --ignore-memory-limit --world "$work/world" --out "$work/out-$side" >> "$work/$side"
  done
  wall "$new" validate "$scenario" --set "orgs.count=$orgs" --replications 1 \
    --set "population.world=\"$work/world\"" --ignore-memory-limit >> "$work/validate"
done
mo=$(median < "$work/old") mn=$(median < "$work/new")
echo "run --world   old $(range "$work/old")   new $(range "$work/new")   new/old $(awk -v a="$mo" -v b="$mn" 'BEGIN { printf "%.3f", b / a }')"
echo "validate      new $(range "$work/validate")"
# The two builds must agree on what they computed, or the timing compares different work.
for f in "$work"/out-old/*.csv; do
  cmp -s "$f" "$work/out-new/$(basename "$f")" || echo "  differs: $(basename "$f")"
done

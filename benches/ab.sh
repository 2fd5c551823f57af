#!/usr/bin/env bash
# Two builds of picsim timed against each other, alternating old and new so that the machine's
# drift between sittings falls on both alike: the default scenario (12 replications) and the
# 1 M-user world of benches/scale-world.toml, RUNS times each (default 5). Prints each build's
# median wall time (min–max) and the ratio new/old. Not run by CI.
#
# Usage: benches/ab.sh OLD_BINARY NEW_BINARY        Environment: RUNS (5)
set -euo pipefail
old=${1:?usage: benches/ab.sh OLD_BINARY NEW_BINARY}
new=${2:?usage: benches/ab.sh OLD_BINARY NEW_BINARY}
runs=${RUNS:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/picsim-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
wall() { # binary args... → seconds on stdout
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}

lscpu | awk -F': *' '/Model name/ { print "CPU:", $2 }'
echo "cores: $(nproc), runs: $runs"
# The 1 M-user world: about 118 users per organisation, as benches/scale.sh sizes it.
worlds=("default|$root/scenarios/pic-2013.toml" "1M users|$root/benches/scale-world.toml|--set|orgs.count=8475")
for world in "${worlds[@]}"; do
  IFS='|' read -r -a w <<< "$world"
  label=${w[0]} scenario=${w[1]} extra=("${w[@]:2}")
  : > "$work/old" ; : > "$work/new"
  for i in $(seq "$runs"); do
    for side in old new; do
      bin=${!side}
      wall "$bin" run "$scenario" --seed 11 --quiet --force --ignore-memory-limit --out "$work/out-$side" "${extra[@]}" >> "$work/$side"
    done
  done
  mo=$(median < "$work/old") mn=$(median < "$work/new")
  printf '%-9s old %.2f s (%.2f–%.2f)   new %.2f s (%.2f–%.2f)   new/old %.3f\n' "$label" \
    "$mo" "$(sort -g "$work/old" | head -1)" "$(sort -g "$work/old" | tail -1)" \
    "$mn" "$(sort -g "$work/new" | head -1)" "$(sort -g "$work/new" | tail -1)" "$(awk -v a="$mo" -v b="$mn" 'BEGIN { print b / a }')"
  # The two builds must agree on what they computed, or the timing compares different work.
  for f in "$work"/out-old/*.csv; do
    cmp -s "$f" "$work/out-new/$(basename "$f")" || echo "  differs: $(basename "$f")"
  done
done

#!/usr/bin/env bash
# Time and peak memory of large contact graphs: the peer world (benches/peers/ba-world.toml,
# one network, no contact lists) at MILLIONS persons with its Barabási–Albert graph (m = 5) and
# with the configuration model of scenarios/wlm-bass.toml (power law from 5.2, exponent 2.5, at
# most 600), alternating the binaries given, ROUNDS times.
#
#   benches/graph-scale.sh [MILLIONS [ROUNDS]] BINARY...
#
# Prints one line per run: binary, graph, wall seconds, peak resident set (/usr/bin/time), the
# manifest's generation and migration seconds and graph edges.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
millions=${1:-10}
rounds=${2:-2}
shift 2 || true
[ $# -gt 0 ] || { echo "usage: $0 MILLIONS ROUNDS BINARY..." >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cm='population.graph={ kind = "configuration", degree = { dist = "power_law", low = 5.2, exponent = 2.5, high = 600 } }'
lscpu | grep 'Model name' || true
for round in $(seq "$rounds"); do
  for bin in "$@"; do
    for graph in ba cm; do
      extra=()
      [ "$graph" = cm ] && extra=(--set "$cm")
      out="$work/$graph"
      rm -rf "$out"
      /usr/bin/time -f "%e %M" -o "$work/time" "$bin" run "$here/peers/ba-world.toml" \
        --set orgs.users="$millions" --set population.persons_per_user.a=1000000 "${extra[@]}" \
        --threads 2 --quiet --out "$out" > /dev/null
      read -r wall kb < "$work/time"
      python3 - "$out/manifest.json" "$bin" "$graph" "$wall" "$kb" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); t = m["timings_seconds"]
print(f"{sys.argv[2]} {sys.argv[3]}: wall {float(sys.argv[4]):.1f} s, peak {int(sys.argv[5]) / 1e6:.2f} GB, "
      f"generate {t['generate']:.1f} s, migrate {t['migrate']:.1f} s, "
      f"{m['population']['graph_edges'] / 1e6:.1f} M edges, estimate {m['memory_estimate_bytes'] / 1e9:.2f} GB")
PY
    done
  done
done

#!/usr/bin/env bash
# The scale series of the contact graphs (issue 31): the peer world (benches/peers/ba-world.toml,
# one network, no contact lists) at each size given, with its Barabási–Albert graph (m = 5) and
# with the configuration model of scenarios/wlm-bass.toml (power law from 5.2, exponent 2.5, at
# most 600), one replication, 2 threads, the binaries given alternated within each round.
#
#   benches/graph-series.sh "MILLIONS..." ROUNDS BINARY...
#   e.g. benches/graph-series.sh "1 10 100" 3 /tmp/old/picsim target/release/picsim
#
# Environment: GRAPHS (default "ba cm": which graphs), THREADS (default 2).
# Prints one line per run as it ends, then per size, graph and binary the median and the range
# (min–max) over the rounds of: wall seconds, the manifest's generation and migration seconds,
# peak resident set (/usr/bin/time, KiB × 1024, in 10⁹ B), edges per second of generation and
# peak bytes per edge; and, for builds that write them, the graph's steps (`graph.*` timings).
# Run it on a quiet machine (the script prints `uptime` before and after) and state the CPU.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 3 ] || { echo "usage: $0 \"MILLIONS...\" ROUNDS BINARY..." >&2; exit 2; }
sizes=$1
rounds=$2
shift 2
graphs=${GRAPHS:-ba cm}
threads=${THREADS:-2}
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cm='population.graph={ kind = "configuration", degree = { dist = "power_law", low = 5.2, exponent = 2.5, high = 600 } }'
lscpu | grep 'Model name' || true
echo "uptime before: $(uptime)"
results="$work/results.jsonl"
for millions in $sizes; do
  for round in $(seq "$rounds"); do
    for bin in "$@"; do
      for graph in $graphs; do
        extra=()
        [ "$graph" = cm ] && extra=(--set "$cm")
        out="$work/out"
        rm -rf "$out"
        /usr/bin/time -f "%e %M" -o "$work/time" "$bin" run "$here/peers/ba-world.toml" \
          --set orgs.users="$millions" --set population.persons_per_user.a=1000000 "${extra[@]}" \
          --threads "$threads" --quiet --out "$out" > /dev/null
        read -r wall kb < "$work/time"
        python3 - "$out/manifest.json" "$bin" "$graph" "$millions" "$round" "$wall" "$kb" >> "$results" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print(json.dumps({
    "bin": sys.argv[2], "graph": sys.argv[3], "millions": sys.argv[4], "round": int(sys.argv[5]),
    "wall": float(sys.argv[6]), "peak": int(sys.argv[7]) * 1024,
    "edges": m["population"]["graph_edges"], "timings": m["timings_seconds"],
}))
PY
        python3 -c "
import json, sys
r = json.loads(open('$results').read().splitlines()[-1]); t = r['timings']
print(f\"{r['millions']} M {r['graph']} round {r['round']} {r['bin']}: wall {r['wall']:.1f} s, \"
      f\"generate {t['generate']:.1f} s, migrate {t['migrate']:.1f} s, peak {r['peak'] / 1e9:.2f} GB, \"
      f\"{r['edges'] / 1e6:.1f} M edges\")"
      done
    done
  done
done
echo "uptime after: $(uptime)"
python3 - "$results" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
def span(xs, f):
    return f"{f(statistics.median(xs))} ({f(min(xs))}–{f(max(xs))})"
keys = []
for r in runs:
    k = (r["millions"], r["graph"], r["bin"])
    if k not in keys:
        keys.append(k)
print("\n| persons | graph | binary | edges | wall s | generate s | migrate s | peak 10⁹ B | edges per s (generation) | bytes per edge (peak) | graph steps s (medians) |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for k in keys:
    rs = [r for r in runs if (r["millions"], r["graph"], r["bin"]) == k]
    edges = rs[0]["edges"]
    gen = [r["timings"]["generate"] for r in rs]
    steps = sorted({s for r in rs for s in r["timings"] if s.startswith("graph.")})
    step_text = ", ".join(
        f"{s[6:]} {statistics.median(r['timings'].get(s, 0.0) for r in rs):.2f}" for s in steps
    ) or "—"
    print(f"| {k[0]} M | {k[1]} | {k[2]} | {edges / 1e6:.1f} M | "
          f"{span([r['wall'] for r in rs], lambda x: f'{x:.1f}')} | {span(gen, lambda x: f'{x:.2f}')} | "
          f"{span([r['timings']['migrate'] for r in rs], lambda x: f'{x:.2f}')} | "
          f"{span([r['peak'] for r in rs], lambda x: f'{x / 1e9:.2f}')} | "
          f"{span([edges / g for g in gen], lambda x: f'{x / 1e6:.1f} M')} | "
          f"{span([r['peak'] / edges for r in rs], lambda x: f'{x:.1f}')} | {step_text} |")
print("\nRatios of medians (wall, generate) against the first binary, and cost from one size to the next:")
first = keys[0][2] if keys else None
for k in keys:
    rs = [r for r in runs if (r["millions"], r["graph"], r["bin"]) == k]
    base = [r for r in runs if (r["millions"], r["graph"], r["bin"]) == (k[0], k[1], first)]
    w, g = (statistics.median(r["wall"] for r in rs), statistics.median(r["timings"]["generate"] for r in rs))
    bw, bg = (statistics.median(r["wall"] for r in base), statistics.median(r["timings"]["generate"] for r in base))
    print(f"  {k[0]} M {k[1]} {k[2]}: wall {w / bw:.2f}×, generate {g / bg:.2f}×")
sizes = sorted({r["millions"] for r in runs}, key=float)
for (a, b) in zip(sizes, sizes[1:]):
    for graph in sorted({r["graph"] for r in runs}):
        for binary in dict.fromkeys(r["bin"] for r in runs):
            def med(size, field):
                xs = [r for r in runs if (r["millions"], r["graph"], r["bin"]) == (size, graph, binary)]
                return statistics.median(field(r) for r in xs) if xs else None
            ea, eb = med(a, lambda r: r["edges"]), med(b, lambda r: r["edges"])
            ga, gb = med(a, lambda r: r["timings"]["generate"]), med(b, lambda r: r["timings"]["generate"])
            if None not in (ea, eb, ga, gb) and ga > 0:
                print(f"  {graph} {binary}: {a} M → {b} M persons: {eb / ea:.1f}× the edges, "
                      f"generation {gb / ga:.1f}×")
PY

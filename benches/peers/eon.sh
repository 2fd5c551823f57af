#!/usr/bin/env bash
# Peer check: picsim's `bass` contagion against EoN (Epidemics on Networks, from PyPI) on the same
# Barabási–Albert graph that picsim exports.
#   (a) 100 k persons, ≥ 50 runs each: SI (EoN.fast_SIR with gamma = 0, 10 initial adopters, no
#       spontaneous rate), and at 5 k persons EoN.Gillespie_simple_contagion with a spontaneous and
#       a per-contact rate (its cost grows about as N²: 4 s per run at 5 k, over a minute at 20 k):
#       the largest gap between the mean adoption curves, in standard errors.
#   (b) 1 M persons: median seconds per run of each, and the ratio.
#   (c) with LARGEST=N, also N persons, one run each: for the largest graph EoN (networkx) can
#       hold, its time and peak memory (the Python process's, from /usr/bin/time) beside picsim's.
# Not run by CI. Needs python3 with venv and network access to PyPI. Usage: benches/peers/eon.sh
# Environment: RUNS (default 50), BIG_RUNS (5), TAU (per contact per day, 0.03), SPONTANEOUS (per
# person per day, 0.002), VENV (reuse an existing virtual environment instead of a throwaway one),
# LARGEST (persons of (c); unset: (c) is not run), ONLY_LARGEST (1: run (c) alone).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d /tmp/picsim-peers.XXXXXX)
trap 'rm -rf "$work"' EXIT
runs=${RUNS:-50}
big_runs=${BIG_RUNS:-5}
tau=${TAU:-0.03}             # per contact per day
spontaneous=${SPONTANEOUS:-0.002}   # per person per day (Gillespie check)

venv=${VENV:-$work/venv}
if [ ! -x "$venv/bin/python" ]; then
  echo "== setting up a throwaway Python environment with EoN"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check EoN networkx numpy scipy
fi
"$venv/bin/python" -c "import EoN, networkx, sys; print('EoN', EoN.__version__, 'networkx', networkx.__version__, 'Python', sys.version.split()[0])"

echo "== building picsim"
(cd "$root" && cargo build --release --quiet)
picsim="$root/target/release/picsim"

# q (per year) such that picsim's per-contact rate q/<k>/365 equals tau per day.
q_for() { awk -v tau="$tau" -v e="$(($(wc -l < "$1") - 1))" -v n="$2" 'BEGIN { printf "%.12g", tau * (2 * e / n) * 365 }'; }

compare() { # name persons picsim_runs eon_runs mode [p_per_year]
  local name=$1 n=$2 ours=$3 theirs=$4 mode=$5 p=${6:-0.0}
  # A user holds at most a million persons: more persons take more (whole millions) users.
  local users=$(( (n + 999999) / 1000000 ))
  local world=(--set orgs.users="$users" --set population.persons_per_user.a="$((n / users))")
  "$picsim" population "$here/ba-world.toml" "${world[@]}" --export "$work/$name-world" > /dev/null
  local graph="$work/$name-world/graph.csv"
  local q
  q=$(q_for "$graph" "$n")
  /usr/bin/time -f "%e s wall, peak %M KiB" -o "$work/$name.time" "$picsim" run "$here/ba-world.toml" --quiet \
    "${world[@]}" \
    --set "population.graph={ kind = \"file\", file = \"$graph\" }" \
    --set migrations.0.q="$q" --set migrations.0.p="$p" \
    --replications "$ours" --out "$work/$name-picsim" > /dev/null
  local migrate
  migrate=$(python3 -c "import json,sys; m=json.load(open('$work/$name-picsim/manifest.json')); print(m['timings_seconds']['migrate']/m['replications'])")
  echo "picsim: $ours runs, $(cat "$work/$name.time") for the whole program (graph file read once), contagion $migrate s per run (mean)"
  /usr/bin/time -f "EoN's process (reading the graph into networkx, then its runs): %e s wall, peak %M KiB" \
    "$venv/bin/python" "$here/compare.py" "$mode" "$graph" "$work/$name-picsim/series.csv" "$theirs" "$tau" "$(awk -v p="$p" 'BEGIN { print p / 365 }')"
}

if [ "${ONLY_LARGEST:-0}" != 1 ]; then
  echo "== (a) 100 k persons, SI: picsim bass (p = 0) vs EoN fast_SIR (gamma = 0)"
  compare a100k 100000 "$runs" "$runs" fast_sir
  echo "== (a') 5 k persons, spontaneous + contact: picsim bass vs EoN Gillespie_simple_contagion"
  compare g5k 5000 "$runs" "$runs" gillespie "$(awk -v s="$spontaneous" 'BEGIN { print s * 365 }')"
  echo "== (b) 1 M persons, SI: time per run"
  compare b1m 1000000 "$big_runs" "$big_runs" fast_sir
fi
if [ -n "${LARGEST:-}" ]; then
  echo "== (c) $LARGEST persons, SI: one run each"
  compare "c$LARGEST" "$LARGEST" 1 1 fast_sir
fi

#!/usr/bin/env bash
# Whole-program scale figures for BENCHMARKS.md: the default world (benches/scale-world.toml) at
# 10^5, 10^6 and 10^7 Lync users, one replication, every report written, each configuration run
# RUNS times (default 5) under /usr/bin/time -v. Prints a table and writes it as CSV.
#
# Rows: the three sizes on all cores; the 10^6 world on 1 thread (for the parallel speed-up); the
# 10^6 world without contact adding over the normal window and over a 10× longer one (same
# entries: cost must not grow with days); and the shipped default scenario itself (20
# replications). Not run by CI.
#
# Usage: benches/scale.sh [OUT.csv]      Environment: RUNS (5), SIZES ("100000 1000000 10000000")
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
out_csv=${1:-$root/output/scale.csv}
runs=${RUNS:-5}
sizes=${SIZES:-"100000 1000000 10000000"}
users_per_org=118   # the default's mean organisation size (lognormal median 40, sigma 1.5, capped)
work=$(mktemp -d /tmp/picsim-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT

(cd "$root" && cargo build --release --quiet)
picsim="$root/target/release/picsim"
mkdir -p "$(dirname "$out_csv")"
echo "label,users,entries,persons,threads,runs,wall_median_s,wall_min_s,wall_max_s,cpu_median_s,peak_rss_mb_median,peak_rss_mb_max,estimate_mb,entries_per_s,generate_s,migrate_s,profiles_s,engine_s,summarise_s,report_s" > "$out_csv"

median() { sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

measure() { # label threads scenario args...
  local label=$1 threads=$2 scenario=$3
  shift 3
  local walls=() cpus=() rss=() 
  : > "$work/phases"
  for i in $(seq "$runs"); do
    /usr/bin/time -v -o "$work/time" "$picsim" run "$scenario" --quiet --force --threads "$threads" --out "$work/run" --ignore-memory-limit "$@" > /dev/null
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (k = 1; k <= n; k++) s = s * 60 + t[k]; print s }' "$work/time")")
    cpus+=("$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$work/time")")
    rss+=("$(awk -F': ' '/Maximum resident set size/ { print $2 / 1024 }' "$work/time")")
    python3 - "$work/run/manifest.json" >> "$work/phases" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
t = m["timings_seconds"]
print(",".join(str(t.get(k, 0.0)) for k in ["generate", "migrate", "profiles", "engine", "summarise", "report"]),
      m["population"]["users"], m["population"]["entries"], m["population"]["persons"], m.get("memory_estimate_bytes", 0))
PY
  done
  local wall_med wall_min wall_max cpu_med rss_med rss_max
  wall_med=$(printf '%s\n' "${walls[@]}" | median)
  wall_min=$(printf '%s\n' "${walls[@]}" | sort -g | head -1)
  wall_max=$(printf '%s\n' "${walls[@]}" | sort -g | tail -1)
  cpu_med=$(printf '%s\n' "${cpus[@]}" | median)
  rss_med=$(printf '%s\n' "${rss[@]}" | median)
  rss_max=$(printf '%s\n' "${rss[@]}" | sort -g | tail -1)
  python3 - "$work/phases" "$label" "$threads" "$runs" "$wall_med" "$wall_min" "$wall_max" "$cpu_med" "$rss_med" "$rss_max" >> "$out_csv" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
phases = [[float(x) for x in r[0].split(",")] for r in rows]
med = [statistics.median(p[i] for p in phases) for i in range(6)]
users, entries, persons, estimate = rows[0][1], rows[0][2], rows[0][3], float(rows[0][4]) / 2**20
label, threads, runs, wall, wmin, wmax, cpu, rss, rssmax = sys.argv[2:11]
print(",".join([label, users, entries, persons, threads, runs, wall, wmin, wmax, cpu, f"{float(rss):.0f}", f"{float(rssmax):.0f}",
                f"{estimate:.0f}", f"{int(entries) / float(wall):.0f}"] + [f"{x:.3f}" for x in med]))
PY
  tail -1 "$out_csv"
}

cores=$(nproc)
for users in $sizes; do
  orgs=$(( (users + users_per_org - 1) / users_per_org ))
  measure "world_${users}" "$cores" "$here/scale-world.toml" --set "orgs.count=$orgs"
done
orgs_1m=$(( (1000000 + users_per_org - 1) / users_per_org ))
measure "world_1000000_1_thread" 1 "$here/scale-world.toml" --set "orgs.count=$orgs_1m"
measure "no_adding_window_x1" "$cores" "$here/scale-world.toml" --set "orgs.count=$orgs_1m" --set "behaviours.contact_adding=[]"
measure "no_adding_window_x10" "$cores" "$here/scale-world.toml" --set "orgs.count=$orgs_1m" --set "behaviours.contact_adding=[]" --set "scenario.end=2037-07-09" --set "scenario.step_days=10"
measure "shipped_default_20_reps" "$cores" "$root/scenarios/pic-2013.toml"
echo
column -s, -t < "$out_csv"
echo "written: $out_csv"

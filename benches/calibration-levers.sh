#!/usr/bin/env bash
# The calibration's speed-ups measured one at a time and together, old and new builds alternated
# in every round (issue 30): the 3-key fit of the default (scenarios/pic-2013.toml at full size:
# the weekly and monthly classes' mean days between sign-ins and orgs.providers.msn.0.share) to
# the 30 observed days of scenarios/examples/synthetic-first-30-days.csv, PARTICLES (20)
# particles and GENERATIONS (2) generations after the prior's, on every core; and, for `share`
# (which applies only when no fitted key reaches the generated world), the same fit of the two
# sign-in keys alone.
#
#   bash benches/calibration-levers.sh OLD NEW [ROUNDS]
#
# OLD and NEW are picsim binaries (e.g. one built from main, one from this branch: `git worktree
# add /tmp/old main && cargo build --release --manifest-path /tmp/old/Cargo.toml`); NEW must know
# the hidden `--levers` switch. Each round runs, in order: OLD; NEW with no lever; NEW with each
# lever alone; NEW with all of them (the default). Prints per variant the median and range over
# the rounds of the wall time, the CPU time, the proposals decided (every proposal of every
# generation, whether screened out or simulated) and the proposals decided per wall second, and
# the simulations run in the full world and in the small one. Measure on a quiet machine
# (`uptime` is printed before each round).
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: calibration-levers.sh OLD NEW [ROUNDS]}
new=${2:?usage: calibration-levers.sh OLD NEW [ROUNDS]}
rounds=${3:-3}
particles=${PARTICLES:-20}
generations=${GENERATIONS:-2}
out=$(mktemp -d /tmp/picsim-levers.XXXXXX)
lscpu | grep 'Model name' || true
obs=scenarios/examples/synthetic-first-30-days.csv
signin=(--fit population.activity.1.mean_days_between_sign_ins=log:2.0..30.0
        --fit population.activity.2.mean_days_between_sign_ins=log:10.0..120.0)
three=("${signin[@]}" --fit orgs.providers.msn.0.share=0.3..0.9)
# name, binary, fit, levers ('-' for the old build, which has no switch)
variants=(
  "old|$old|three|-"
  "new-none|$new|three|none"
  "new-truncate|$new|three|truncate"
  "new-screen|$new|three|screen"
  "new-all|$new|three|"
  "old-signin|$old|signin|-"
  "new-signin-none|$new|signin|none"
  "new-signin-share|$new|signin|share"
  "new-signin-all|$new|signin|"
)
results="$out/results.csv"
echo "variant,round,wall,cpu,proposals,full,small" > "$results"
for round in $(seq 1 "$rounds"); do
  echo "round $round: $(uptime)"
  for v in "${variants[@]}"; do
    IFS='|' read -r name bin fit levers <<< "$v"
    if [ "$fit" = three ]; then args=("${three[@]}"); else args=("${signin[@]}"); fi
    extra=()
    [ "$levers" != "-" ] && [ -n "$levers" ] && extra=(--levers "$levers")
    dir="$out/$name-$round"
    /usr/bin/time -f "%e %U %S" -o "$dir.time" "$bin" calibrate scenarios/pic-2013.toml \
      --observed "$obs" "${args[@]}" --particles "$particles" --max-generations "$generations" \
      --max-simulations 100000 --quiet --force --out "$dir" "${extra[@]}" > /dev/null
    python3 - "$name" "$round" "$dir" "$particles" "$levers" >> "$results" <<'PY'
import csv, sys
name, rnd, d, particles, levers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
wall, user, sys_ = (float(x) for x in open(d + ".time").read().split()[-3:])
rows = list(csv.DictReader(open(d + "/calibration.csv")))
full = sum(int(r["simulations"]) for r in rows)
small = sum(int(r.get("screened") or 0) for r in rows)
# The screen also runs generation 0's particles once in the small world (for its first tolerance).
if small:
    small += particles
proposals = sum(int(r.get("screened") or 0) or int(r["simulations"]) for r in rows)
# A fit that simulated only to the last observed day ran each final particle once more over the
# whole window (old builds and --levers without truncate kept the fit's own runs).
if levers != "-" and (levers == "" or "truncate" in levers):
    full += particles
print(f"{name},{rnd},{wall},{user + sys_},{proposals},{full},{small}")
PY
  done
done
python3 - "$results" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
names = list(dict.fromkeys(r["variant"] for r in rows))
print(f"{'variant':<18} {'wall s (median, range)':<26} {'cpu s':<10} {'proposals':<10} {'per wall s':<12} full  small")
for n in names:
    of = [r for r in rows if r["variant"] == n]
    wall = [float(r["wall"]) for r in of]
    cpu = [float(r["cpu"]) for r in of]
    rate = [int(r["proposals"]) / float(r["wall"]) for r in of]
    print(f"{n:<18} {statistics.median(wall):7.1f} ({min(wall):.1f}-{max(wall):.1f}){'':<8} "
          f"{statistics.median(cpu):<10.1f} {of[0]['proposals']:<10} {statistics.median(rate):<12.3f} "
          f"{of[0]['full']:<5} {of[0]['small']}")
PY
echo "per-run rows: $results"

#!/usr/bin/env bash
# How often picsim calibrate's 90 % interval covers the truth: the recovery of the calibration
# tests (tests/integration/calibration-world.toml, true values weekly sign-in mean 7, msn share
# 0.6, q 6) repeated with REPEATS (20) fresh observed worlds, seeds 101, 102, …, each observed
# every other day from 2013-04-01 to 2013-06-30 (the shares on Skype and AIM and the migrated AIM
# count), each calibrated with the three keys together (PARTICLES 80, SIMULATIONS 2000).
# Prints per repeat each key's interval and whether it covers, then the coverage per key. A
# well-calibrated posterior covers about 90 % (of 20: 18, with a binomial spread of ±1.3).
# Not run by CI (about 1 to 2 minutes per repeat on 2 cores).
#   bash benches/calibration-coverage.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-$(mktemp -d /tmp/picsim-coverage.XXXXXX)}
repeats=${REPEATS:-20}
particles=${PARTICLES:-80}
simulations=${SIMULATIONS:-2000}
world=tests/integration/calibration-world.toml
cargo build --release --quiet
picsim=./target/release/picsim
lscpu | grep 'Model name' || true
keys=(population.activity.1.mean_days_between_sign_ins orgs.providers.msn.0.share migrations.1.q)
truth=(7 0.6 6)
covered=(0 0 0)
for i in $(seq 1 "$repeats"); do
  seed=$((100 + i))
  dir="$out/repeat-$i"
  mkdir -p "$dir"
  "$picsim" run "$world" --seed "$seed" --replications 1 --quiet --force --out "$dir/truth" > /dev/null
  python3 - "$dir/truth/series.csv" "$dir/observed.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
with open(sys.argv[2], "w") as out:
    out.write("date,metric,value\n")
    for i, r in enumerate(rows):
        if "2013-04-01" <= r["date"] <= "2013-06-30" and i % 2 == 0:
            e = int(r["entries"])
            out.write(f"{r['date']},reachable_share_skype,{int(r['reachable_skype']) / e}\n")
            out.write(f"{r['date']},reachable_share_aim,{int(r['reachable_aim']) / e}\n")
            out.write(f"{r['date']},migrated_aim_to_skype,{r['migrated_aim_to_skype']}\n")
PY
  "$picsim" calibrate "$world" --quiet --force --observed "$dir/observed.csv" \
    --particles "$particles" --max-simulations "$simulations" \
    --fit "${keys[0]}=log:2.0..30.0" --fit "${keys[1]}=0.2..0.95" --fit "${keys[2]}=log:0.5..30.0" \
    --out "$dir/cal" > /dev/null
  line=$(python3 - "$dir/cal/posterior.csv" "${truth[@]}" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
header, rows = rows[0], rows[1:]
truth = [float(x) for x in sys.argv[2:]]
out = []
for k in range(len(header) - 2):
    v = sorted((float(r[k]), float(r[-2])) for r in rows)
    def q(p):
        s = 0.0
        for x, w in v:
            s += w
            if s >= p * (1 - 1e-9):
                return x
        return v[-1][0]
    lo, hi = q(0.05), q(0.95)
    out.append(f"{lo:.4g}..{hi:.4g} {'1' if lo <= truth[k] <= hi else '0'}")
print(" | ".join(out))
PY
)
  echo "repeat $i (seed $seed): $line"
  IFS='|' read -ra parts <<< "$line"
  for k in 0 1 2; do
    [ "${parts[$k]: -1}" = 1 ] && covered[$k]=$((covered[$k] + 1))
  done
done
for k in 0 1 2; do
  echo "coverage of ${keys[$k]} (truth ${truth[$k]}): ${covered[$k]} of $repeats"
done

#!/usr/bin/env bash
# Simulation-based calibration of picsim calibrate on the small world of the calibration tests
# (tests/integration/calibration-world.toml), with the three keys and priors of
# benches/calibration-coverage.sh (weekly mean days between sign-ins log-uniform 2-30, msn share
# uniform 0.2-0.95, Bass q log-uniform 0.5-30), observed every other day from 2013-04-01 to
# 2013-06-30 (the shares on Skype and AIM and the migrated AIM count): REPEATS (100) repeats of
# PARTICLES (40) particles, each calibration run until it converges (at most SIMULATIONS (4000)
# simulations and GENERATIONS (20) generations). Resumable: run it again with RESUME=1 after an
# interruption. Not run by CI (about 30 s of CPU per repeat).
#   bash benches/calibration-sbc.sh [OUT] [PICSIM]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-output/calibration-sbc}
picsim=${2:-}
if [ -z "$picsim" ]; then
  cargo build --release --quiet
  picsim=./target/release/picsim
fi
world=tests/integration/calibration-world.toml
obs=$(mktemp /tmp/picsim-sbc-days.XXXXXX.csv)
# Only the days and metrics matter: each repeat observes its own truth's world on them.
python3 - "$obs" <<'PY'
import datetime, sys
with open(sys.argv[1], "w") as out:
    out.write("date,metric,value\n")
    day = datetime.date(2013, 4, 1)
    while day <= datetime.date(2013, 6, 30):
        for metric in ("reachable_share_skype", "reachable_share_aim", "migrated_aim_to_skype"):
            out.write(f"{day},{metric},0\n")
        day += datetime.timedelta(days=2)
PY
lscpu | grep 'Model name' || true
resume=()
[ -n "${RESUME:-}" ] && resume=(--resume)
/usr/bin/time -f "%e s wall, %U s user, %M KiB peak" "$picsim" calibrate "$world" \
  --observed "$obs" \
  --fit population.activity.1.mean_days_between_sign_ins=log:2.0..30.0 \
  --fit orgs.providers.msn.0.share=0.2..0.95 \
  --fit migrations.1.q=log:0.5..30.0 \
  --particles "${PARTICLES:-40}" --max-simulations "${SIMULATIONS:-4000}" \
  --max-generations "${GENERATIONS:-20}" \
  --check "${REPEATS:-100}" --out "$out" --force "${resume[@]}"
cat "$out/coverage.csv"

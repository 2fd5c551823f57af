#!/usr/bin/env bash
# The long fuzz passes over three doors (tests/integration/doors.rs): a world folder, a
# calibration checkpoint, observations. Each runs N inputs (default 10^5) from SEED (default 1)
# in the test binary, under a 4 GiB address-space limit (ulimit -v: an allocation past it aborts
# the process, which this script reports) and at the lowest priority, and prints its counts
# (inputs, accepted, refused with a position, refused without one, panics, messages showing an
# address, the slowest input); findings and every kind of refusal are saved under
# fuzz/results/<door>-seed-SEED-n-N/summary.txt. A pass still running after DOOR_TIMEOUT seconds
# (default 14400) is stopped and reported as a hang.
#
# Usage: fuzz/doors.sh DOOR|all [N] [SEED]     DOOR: world, checkpoint or observed
#        Environment: DOOR_THREADS (2), DOOR_TIMEOUT (14400)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
which=${1:?usage: fuzz/doors.sh world|checkpoint|observed|all [N] [SEED]}
n=${2:-100000}
seed=${3:-1}
cd "$root"
# Built before the limit: the compiler needs more address space than the passes.
bin=$(cargo test --release --test integration --no-run 2>&1 |
  sed -n 's/.*Executable tests\/integration\/main.rs (\(.*\))/\1/p' | tail -1)
[ -x "$bin" ] || { echo "could not find the integration test binary" >&2; exit 2; }
case $which in
  all) doors="world checkpoint observed" ;;
  world | checkpoint | observed) doors=$which ;;
  *) echo "unknown door: $which" >&2; exit 2 ;;
esac
status=0
for door in $doors; do
  case $door in
    world) test=doors::world::long_run_over_world_folders ;;
    checkpoint) test=doors::checkpoint::long_run_over_checkpoints ;;
    observed) test=doors::observed::long_run_over_observations ;;
  esac
  echo "== $door: $n inputs, seed $seed"
  set +e
  (
    ulimit -v 4194304
    DOOR_INPUTS=$n DOOR_SEED=$seed \
      DOOR_RESULTS=${DOOR_RESULTS_ROOT:-$root/fuzz/results}/$door-seed-$seed-n-$n \
      timeout "${DOOR_TIMEOUT:-14400}" nice -n 19 "$bin" "$test" --ignored --exact --nocapture
  )
  code=$?
  set -e
  case $code in
    0) echo "== $door: finished" ;;
    124) echo "== $door: stopped after ${DOOR_TIMEOUT:-14400} s: a hang"; status=1 ;;
    *) echo "== $door: exit $code (an abort, a signal or a failed assertion)"; status=1 ;;
  esac
done
exit $status

#!/usr/bin/env bash
# How the forecast of scenarios/forecast-2013.toml narrows as days are observed: the calibration
# fitted to the first 10, 20 and 30 days of its (synthetic) observations, then, for each, the
# posterior predictive band (p05 to p95) of the share of contact-list entries on Skype on three
# later days. Runs three calibrations (a few minutes each on two cores).
#
#   bash scenarios/examples/forecast-narrowing.sh [OUT]      # OUT: output/forecast-narrowing
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-output/forecast-narrowing}
mkdir -p "$out"
cargo build --release --quiet
for until in 2013-04-17 2013-04-27 2013-05-07; do
  ./target/release/picsim calibrate scenarios/forecast-2013.toml --observed-until "$until" \
    --out "$out/until-$until" --force --quiet > /dev/null
done
echo "reachable_share_skype: posterior predictive p05 to p95 (width), by last observed day"
printf '%-12s' "observed to"
for day in 2013-05-07 2013-06-30 2014-12-31; do printf '  %-26s' "$day"; done
echo
for until in 2013-04-17 2013-04-27 2013-05-07; do
  printf '%-12s' "$until"
  for day in 2013-05-07 2013-06-30 2014-12-31; do
    awk -F, -v d="$day" '$1 == d && $2 == "reachable_share_skype" {
      printf "  %.3f to %.3f (%.3f)      ", $5, $7, $7 - $5 }' "$out/until-$until/summary.csv"
  done
  echo
done
echo "reports: $out/until-*/report.html"

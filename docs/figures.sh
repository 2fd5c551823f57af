#!/usr/bin/env bash
# Regenerates the figures the README shows, from the shipped default scenario, so that they follow
# the code: run this after any change to the model, the default scenario or the charts, and commit
# the PNGs it writes.
#
# docs/reachable_by_network.png: scenarios/pic-2013.toml with its own seed and 20 replications (the
# number the README's caption states; given here explicitly so that a change to the scenario's
# `replications` does not silently change the figure).
#
# Usage: docs/figures.sh            (from anywhere; about 16 s after the release build)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
replications=20
work=$(mktemp -d /tmp/picsim-figures.XXXXXX)
trap 'rm -rf "$work"' EXIT

(cd "$root" && cargo build --release --quiet)
"$root/target/release/picsim" run "$root/scenarios/pic-2013.toml" \
  --replications "$replications" --quiet --out "$work/pic-2013" \
  --set 'output.charts=["reachable_by_network"]' > /dev/null
cp "$work/pic-2013/reachable_by_network.png" "$here/reachable_by_network.png"
echo "wrote $here/reachable_by_network.png (pic-2013, $replications replications)"

#!/usr/bin/env bash
# Zip bombs against the export door: for each KIND (benches/make-bomb.py: comment, attribute,
# whitespace, text, contacts, groups, deep, attributes, users, contacts-public), an
# Export-CsUserData ZIP of a few MB whose DocItemSet.xml inflates to SIZE bytes (default 2 GiB; the
# two kinds of distinct items stop at 256 MiB), read by `picsim import` of each build given under an
# address-space limit (`ulimit -v`, default 4 GiB, the bar of issue 29). Prints per kind and build
# the exit code (134: an abort, such as a failed allocation), wall seconds, peak RSS and the start of
# what it said. Not run by CI; each bomb takes a few seconds to write, and an old build may take a
# minute on one.
#
# Usage: benches/export-bombs.sh [PICSIM...]   (default target/release/picsim, built if missing)
# Environment: KINDS (all), SIZE (2147483648), LIMIT_KIB (4194304), TIMEOUT (300)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
kinds=${KINDS:-comment attribute whitespace text contacts groups deep attributes users contacts-public}
size=${SIZE:-2147483648}
limit=${LIMIT_KIB:-4194304}
timeout=${TIMEOUT:-300}
builds=("$@")
[ ${#builds[@]} -gt 0 ] || builds=("$root/target/release/picsim")
for b in "${builds[@]}"; do
  [ -x "$b" ] || (cd "$root" && cargo build --release --quiet)
done
work=$(mktemp -d /tmp/picsim-bombs.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "# $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg); ulimit -v $limit KiB"
printf '%-16s %-32s %5s %8s %10s %9s  %s\n' kind build exit wall_s peak_MiB zip_MB said
for kind in $kinds; do
  python3 "$here/make-bomb.py" "$work/bomb.zip" "$kind" --size "$size"
  mb=$(du -m "$work/bomb.zip" | cut -f1)
  for b in "${builds[@]}"; do
    set +e
    timeout "$timeout" /usr/bin/time -f '%e %M' -o "$work/time" \
      bash -c "ulimit -v $limit; exec \"\$0\" import \"\$1\"" "$b" "$work/bomb.zip" > "$work/out" 2> "$work/err"
    code=$?
    set -e
    read -r w m < <(tail -1 "$work/time" 2>/dev/null || echo "- 0")
    said=$( (grep -v '^Command' "$work/err" || true) | head -1 | sed "s|$work/||g" | cut -c1-110)
    [ -n "$said" ] || said=$( (grep -E '^(users|public)' "$work/out" || true) | tr '\n' ' ')
    printf '%-16s %-32s %5s %8s %10.1f %9s  %s\n' "$kind" "$(basename "$(dirname "$(dirname "$b")")")/$(basename "$(dirname "$b")")" \
      "$code" "$w" "$(awk -v k="${m:-0}" 'BEGIN { print k / 1024 }')" "$mb" "$said"
  done
done

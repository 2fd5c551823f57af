#!/usr/bin/env bash
# Telling internal contacts from federated partners when every user has a SIP domain of their own:
# the worst case for that step (each user's domain is one more organisation domain, each user's
# contact one more domain to classify). Before issue 29 it compared every contact domain with every
# organisation domain (80,000 users: seconds; 160,000: minutes); it should grow linearly.
#
# Generates (benches/make-export.py --own-domains) a bare DocItemSet.xml for each size in USERS
# (default "80000 160000 320000 1000000"), one contact per user, on their own domain, and times
# `picsim import FILE` RUNS times (default 3) for each build given, alternating the builds within
# each repetition. Prints per build and size the median and range of wall seconds and the median
# peak RSS, and the microseconds per user; a run longer than TIMEOUT seconds (default 600) is
# stopped and shown as `>TIMEOUT`. Not run by CI.
#
# Usage: benches/export-domains.sh [PICSIM...]   (default target/release/picsim, built if missing)
# Environment: USERS ("80000 160000 320000 1000000"), RUNS (3), TIMEOUT (600)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
sizes=${USERS:-80000 160000 320000 1000000}
runs=${RUNS:-3}
timeout=${TIMEOUT:-600}
builds=("$@")
[ ${#builds[@]} -gt 0 ] || builds=("$root/target/release/picsim")
for b in "${builds[@]}"; do
  [ -x "$b" ] || (cd "$root" && cargo build --release --quiet)
done
work=$(mktemp -d /tmp/picsim-domains.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "# $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-40s %9s %9s %15s %10s %12s\n' build users median_s range_s peak_MiB us_per_user
for n in $sizes; do
  python3 "$here/make-export.py" "$work/own.xml" --format xml --users "$n" --contacts 1 --own-domains
  declare -A walls=() rss=()
  for _ in $(seq "$runs"); do
    for b in "${builds[@]}"; do
      if timeout "$timeout" /usr/bin/time -f '%e %M' -o "$work/time" "$b" import "$work/own.xml" > "$work/out"; then
        read -r w m < "$work/time"
      else
        w=">$timeout" m=0
      fi
      walls[$b]+="$w " rss[$b]+="$m "
    done
  done
  for b in "${builds[@]}"; do
    # shellcheck disable=SC2086
    read -r med lo hi < <(printf '%s\n' ${walls[$b]} | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)], a[1], a[NR] }')
    # shellcheck disable=SC2086
    kib=$(printf '%s\n' ${rss[$b]} | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    us=-
    [[ $med == \>* ]] || us=$(awk -v m="$med" -v n="$n" 'BEGIN { printf "%.1f", 1e6 * m / n }')
    printf '%-40s %9d %9s %15s %10.1f %12s\n' "$b" "$n" "$med" "$lo-$hi" "$(awk -v k="$kib" 'BEGIN { print k / 1024 }')" "$us"
  done
  unset walls rss
done
grep -E '^(users|internal|federated)' "$work/out" || true

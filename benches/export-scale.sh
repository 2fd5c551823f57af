#!/usr/bin/env bash
# What reading a server's contact export costs: parse throughput (contacts per second) and peak
# memory, against the contact-list CSV of the same lists.
#
# Generates (benches/make-export.py) an export of USERS users with CONTACTS contacts each (default
# 12,500 x 80 = 1,000,000 contacts, 40 % of them public-IM as in Microsoft's Lync Server 2013 user
# model), as Export-CsUserData's ZIP, as a bare DocItemSet.xml and in the Lync 2010 format, and the
# CSV that `picsim import --to --reveal-addresses` would write for it (the public entries only: the
# lists a run simulates). Each is read RUNS times by `picsim import FILE` of each build given
# (the builds alternated within each repetition) under /usr/bin/time; prints per file and build the
# median and range of wall seconds and of user CPU seconds, contacts per second at the median wall
# (every contact in the file, whatever it turns out to be) and the median peak RSS. Goal:
# >= 1,000,000 contacts/s, and the export's peak no more than the CSV's. Not run by CI.
#
# Usage: benches/export-scale.sh [PICSIM...]   (default target/release/picsim, built if missing)
# Environment: USERS (12500), CONTACTS (80), PUBLIC (0.4), RUNS (5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
users=${USERS:-12500}
contacts=${CONTACTS:-80}
public=${PUBLIC:-0.4}
runs=${RUNS:-5}
builds=("$@")
[ ${#builds[@]} -gt 0 ] || builds=("$root/target/release/picsim")
for b in "${builds[@]}"; do
  [ -x "$b" ] || (cd "$root" && cargo build --release --quiet)
done
work=$(mktemp -d /tmp/picsim-export.XXXXXX)
trap 'rm -rf "$work"' EXIT

gen() { python3 "$here/make-export.py" "$@" --users "$users" --contacts "$contacts" --public "$public"; }
gen "$work/ExportedUserData.zip" --format zip --csv "$work/contacts.csv"
gen "$work/DocItemSet.xml" --format xml
gen "$work/lync2010.xml" --format legacy
total=$((users * contacts))
echo "# $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg); $users users x $contacts contacts = $total in each export"
printf '%-22s %-26s %6s %8s %12s %8s %12s %14s %10s\n' file build MB wall_s range user_s range contacts_per_s peak_MiB
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
range() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print a[1] "-" a[NR]}'; }
for f in ExportedUserData.zip DocItemSet.xml lync2010.xml contacts.csv; do
  declare -A walls=() cpus=() rss=()
  for _ in $(seq "$runs"); do
    for b in "${builds[@]}"; do
      /usr/bin/time -f '%e %U %M' -o "$work/time" "$b" import "$work/$f" > "$work/out"
      read -r w u m < "$work/time"
      walls[$b]+="$w " cpus[$b]+="$u " rss[$b]+="$m "
    done
  done
  mb=$(du -m "$work/$f" | cut -f1)
  # The CSV holds only the public entries: its rate counts those.
  n=$total
  [ "$f" = contacts.csv ] && n=$(($(wc -l < "$work/$f") - 1))
  for b in "${builds[@]}"; do
    # shellcheck disable=SC2086
    w=$(median ${walls[$b]}) wr=$(range ${walls[$b]}) u=$(median ${cpus[$b]}) ur=$(range ${cpus[$b]}) m=$(median ${rss[$b]})
    short="$(basename "$(dirname "$(dirname "$b")")")/$(basename "$(dirname "$b")")"
    awk -v f="$f" -v b="$short" -v mb="$mb" -v w="$w" -v wr="$wr" -v u="$u" -v ur="$ur" -v n="$n" -v m="$m" \
      'BEGIN { printf "%-22s %-26s %6s %8.2f %12s %8.2f %12s %14.0f %10.1f\n", f, b, mb, w, wr, u, ur, (w > 0 ? n / w : 0), m / 1024 }'
  done
  unset walls cpus rss
done
grep -E '^(users|public-IM entries)' "$work/out" || true

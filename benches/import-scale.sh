#!/usr/bin/env bash
# What `validate` costs on a large imported contact list, against reading the list once.
#
# Generates a ROWS-row contact list (default 1,000,000: 10,000 users of 100 contacts each, across
# Messenger, Yahoo! and Skype contacts) and two scenarios over it: `list.toml` extends
# scenarios/my-org.toml as it is (so `validate` also loads every inherited `[sensitivity]` variant),
# and `once.toml` drops every `[sensitivity]` entry (so `validate` reads and checks the list once).
# Each `validate` runs under /usr/bin/time -v; prints wall seconds and peak RSS for both and their
# ratios. The target: list.toml within 1.5x of once.toml in time and memory. Not run by CI.
#
# Usage: benches/import-scale.sh [PICSIM]   (default target/release/picsim, built if missing)
# Environment: ROWS (1000000)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
rows=${ROWS:-1000000}
picsim=${1:-$root/target/release/picsim}
[ -x "$picsim" ] || (cd "$root" && cargo build --release --quiet)
work=$(mktemp -d /tmp/picsim-import.XXXXXX)
trap 'rm -rf "$work"' EXIT

awk -v rows="$rows" 'BEGIN {
  print "user,contact,org,domain,network"
  split("hotmail.com yahoo.com", domains, " ")
  for (i = 0; i < rows; i++) {
    u = int(i / 100)
    if (i % 3 == 2) printf "user%06d@contoso.example,live:contact%07d,Contoso,contoso.example,skype\n", u, i
    else printf "user%06d@contoso.example,contact%07d.sample@%s,Contoso,contoso.example,\n", u, i, domains[i % 3 + 1]
  }
}' > "$work/contacts.csv"

printf 'extends = "%s"\n[population.import]\ncontacts = "contacts.csv"\n' \
  "$root/scenarios/my-org.toml" > "$work/list.toml"
cp "$work/list.toml" "$work/once.toml"
{
  echo "[sensitivity]"
  for f in "$root/scenarios/pic-2013.toml" "$root/scenarios/my-org.toml"; do
    awk '/^\[sensitivity\]/ { s = 1; next } /^\[/ { s = 0 } s && /^"/' "$f" | cut -d'"' -f2
  done | sort -u | sed 's/.*/"&" = []/'
} >> "$work/once.toml"

measure() { # scenario -> "seconds peak_mb"
  /usr/bin/time -v "$picsim" validate "$1" > /dev/null 2> "$work/time.txt" || {
    cat "$work/time.txt" >&2
    exit 1
  }
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i] }
    /Maximum resident set size/ { kb = $2 }
    END { printf "%.2f %.0f\n", s, kb / 1024 }' "$work/time.txt"
}

read -r once_s once_mb < <(measure "$work/once.toml")
read -r list_s list_mb < <(measure "$work/list.toml")
echo "rows,scenario,wall_s,peak_rss_mb"
echo "$rows,once (no variants),$once_s,$once_mb"
echo "$rows,my-org (every [sensitivity] variant),$list_s,$list_mb"
awk -v a="$list_s" -v b="$once_s" -v c="$list_mb" -v d="$once_mb" \
  'BEGIN { printf "ratio: time %.2fx, memory %.2fx (target <= 1.5x)\n", a / b, c / d }'

#!/usr/bin/env bash
# The independent-client benchmark in one command: builds nioftpd and the bench, sets up the peers
# (bench/peers.sh), installs the clients it drives (curl, python3) if they are missing, starts
# nioftpd (the daemon, as a user runs it) and the peers, runs bench/independent.py (about
# 4 minutes for the default set on a quiet machine, 10-15 on a busy one), stops them. Writes $OUT/independent.md (the table, every
# round), $OUT/independent.json (raw) and $OUT/independent.log. Needs root, as peers.sh does.
#
#   bench/independent.sh [independent.py options: --rounds 3 --servers ... --scenarios ...]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$HERE/results/independent}
cd "$HERE/.."
need=()
for tool in curl python3; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
if [ "${#need[@]}" -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
# always rebuilt: a stale nioftpd.jar would be measured as this tree (about a minute)
mvn -B -q -pl server,bench -am package -DskipTests
bench/peers.sh setup
mkdir -p "$OUT"
python3 bench/independent.py --start --out "$OUT" "$@" 2>&1 | tee "$OUT/independent.log"

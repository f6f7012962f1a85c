#!/usr/bin/env bash
# What an idle daemon gives back after a burst: its PSS fresh, right after one round of the
# independent runner's scenarios (SCEN, default a burst of 1 GiB transfers, 500 logins, 200
# downloads and 8 sessions of small files), then after 65 and 130 s of nothing.
#   bench/idle-memory.sh ["JVM FLAGS"]    e.g. "" (the daemon's defaults) or "-XX:G1PeriodicGCInterval=0"
# Needs what bench/independent.sh needs (run it once first).
set -euo pipefail
cd "$(dirname "$0")/.."
bench/peers.sh stop nioftpd-daemon >/dev/null 2>&1 || true
DAEMON_JAVA_OPTS="${1:-}" bench/peers.sh start nioftpd-daemon >/dev/null 2>&1
PID=$(cat "${PEERS:-/tmp/peers}/nioftpd-daemon/run/pid")
pss() { awk '/^Pss:/ {s+=$2} END {printf "%.0f", s/1024}' /proc/$PID/smaps_rollup; }
f=$(pss)
python3 bench/independent.py --servers nioftpd-daemon --scenarios ${SCEN:-retr1g,stor1g,logins500,conc200,small8} --rounds 1 --warmup 1 --out "$(mktemp -d)" >/dev/null 2>&1
b=$(pss); sleep 65; i65=$(pss); sleep 65; i130=$(pss)
echo "opts='${1:-}' fresh=$f after-burst=$b idle65=$i65 idle130=$i130 MiB"
bench/peers.sh stop nioftpd-daemon >/dev/null 2>&1 || true

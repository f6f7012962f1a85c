#!/usr/bin/env bash
# Where a fresh nioftpd daemon's CPU goes, scenario by scenario: its event loops, the JIT
# compilers (C2, C1), the garbage collector, the rest. Starts the daemon as bench/peers.sh does
# (nioftpd-daemon, port 2127), runs the independent runner's scenarios (bench/independent.py:
# clients nioftpd did not write) one at a time for ROUNDS rounds after the runner's warm-up,
# and reads each thread's CPU from /proc/PID/task/*/schedstat (nanoseconds) before and after
# each. A short benchmark of a JVM measures its compilers as much as its code: this shows how
# much, and in which scenario. To compare two builds, run it for each, alternately.
#
#   bench/cpu-split.sh [JAR]          default: server/target/nioftpd.jar
#   ROUNDS=3 SCENARIOS="logins500 small1 small8 list mlsd" DAEMON_JAVA_OPTS=... bench/cpu-split.sh
#
# Prints one line per round and scenario: the client's figure, then ms of CPU per thread group.
# Needs what bench/independent.sh needs (run that once: it sets up the peers and the files).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/.."
ROUNDS=${ROUNDS:-3}
SCENARIOS=${SCENARIOS:-logins500 small1 small8 list mlsd}
export DAEMON_JAR=${1:-server/target/nioftpd.jar}
PEERS=${PEERS:-/tmp/peers}
OUT=$(mktemp -d /tmp/cpu-split.XXXXXX)
trap 'bench/peers.sh stop nioftpd-daemon >/dev/null 2>&1 || true; rm -rf "$OUT"' EXIT

snap() { # "loops C2 C1 gc other" in ns for pid $1
  local t
  for t in /proc/"$1"/task/*; do
    printf '%s\t%s\n' "$(cat "$t/comm" 2>/dev/null)" "$(cut -d' ' -f1 "$t/schedstat" 2>/dev/null)"
  done | awk -F'\t' '$2 != "" { k = $1
      if (k ~ /^C2/) k = "C2"; else if (k ~ /^C1/) k = "C1"; else if (k ~ /loop/) k = "loops"
      else if (k ~ /GC|G1|Conc|Refine/) k = "gc"; else k = "other"
      s[k] += $2 }
    END { printf "%.0f %.0f %.0f %.0f %.0f", s["loops"], s["C2"], s["C1"], s["gc"], s["other"] }'
}

bench/peers.sh stop nioftpd-daemon >/dev/null 2>&1 || true
bench/peers.sh start nioftpd-daemon >/dev/null
pid=$(cat "$PEERS/nioftpd-daemon/run/pid")
echo "# $(date -u +%FT%TZ) $DAEMON_JAR, $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-5s %-10s %14s %8s %8s %8s %8s %8s %8s\n' round scenario figure loops C2 C1 gc other "total ms"
warmup=1
for r in $(seq 1 "$ROUNDS"); do
  for s in $SCENARIOS; do
    a=$(snap "$pid")
    fig=$(python3 bench/independent.py --servers nioftpd-daemon --scenarios "$s" --rounds 1 --warmup "$warmup" \
      --out "$OUT" 2>&1 | awk '/^round/ { print $5 " " $6; exit }')
    warmup=0
    b=$(snap "$pid")
    # shellcheck disable=SC2086
    set -- $a $b
    awk -v r="$r" -v s="$s" -v f="$fig" -v a="$1 $2 $3 $4 $5" -v b="$6 $7 $8 $9 ${10}" 'BEGIN {
      split(a, x, " "); split(b, y, " "); t = 0
      printf "%-5s %-10s %14s", r, s, f
      for (i = 1; i <= 5; i++) { d = (y[i] - x[i]) / 1e6; t += d; printf " %8.0f", d }
      printf " %8.0f\n", t }'
  done
done
echo "# end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"

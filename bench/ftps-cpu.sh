#!/usr/bin/env bash
# FTPS transfer cost as the server's CPU seconds per GiB, read from /proc, for
# curl --ssl-reqd (explicit TLS, PROT P) RETR and STOR on loopback. CPU time,
# not wall time, because the machine is shared and noisy: a server's CPU for
# the same bytes moves far less than its throughput does. Interleaves the
# builds given (A B A B ...) so that drift falls on all alike.
#
#   bench/ftps-cpu.sh [-s MiB] [-r rounds] NAME=CLASSPATH [NAME=CLASSPATH...]
#   e.g. bench/ftps-cpu.sh -s 1024 -r 3 \
#          before=/tmp/a/core:/tmp/a/server after=core/target/classes:server/target/classes
#
# CLASSPATH: nioftpd's core and server classes (or nioftpd.jar). Needs curl.
set -euo pipefail
size=256
rounds=3
while getopts "s:r:" o; do
  case $o in
    s) size=$OPTARG ;;
    r) rounds=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-s MiB] [-r rounds] NAME=CLASSPATH..." >&2; exit 2; }
here="$(cd "$(dirname "$0")/.." && pwd)"
tls="$here/core/src/test/resources/tls"
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/root"
head -c "$((size * 1024 * 1024))" /dev/urandom > "$work/root/big.bin"
cp "$work/root/big.bin" "$work/up.bin"
hz=$(getconf CLK_TCK)
port=22121

cpu() { # utime + stime of a pid, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

run() { # NAME CLASSPATH -> "NAME retr_cpu_s_per_gib stor_cpu_s_per_gib retr_MBps stor_MBps"
  local name=$1 cp=$2
  port=$((port + 1))
  java -Xms256m -Xmx1g -cp "$cp" org.nioftpd.server.Main --listen "127.0.0.1:$port" --root "$work/root" \
    --user u:p:rw --tls-cert "$tls/rsa-cert.pem" --tls-key "$tls/rsa-key.pem" --log-level warning \
    > "$work/server.out" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    grep -q listening "$work/server.out" 2>/dev/null && break
    sleep 0.2
  done
  local url="ftp://127.0.0.1:$port"
  # warm-up: the JIT compiles the hot paths before anything is counted
  curl -s --ssl-reqd -k -u u:p "$url/big.bin" -o /dev/null
  curl -s --ssl-reqd -k -u u:p -T "$work/up.bin" "$url/warm.bin"
  local c0 c1 c2 t0 t1 t2
  c0=$(cpu $pid); t0=$(date +%s.%N)
  curl -s --ssl-reqd -k -u u:p "$url/big.bin" -o /dev/null
  c1=$(cpu $pid); t1=$(date +%s.%N)
  curl -s --ssl-reqd -k -u u:p -T "$work/up.bin" "$url/up.bin"
  c2=$(cpu $pid); t2=$(date +%s.%N)
  kill $pid; wait $pid 2>/dev/null || true
  cmp -s "$work/up.bin" "$work/root/up.bin" || { echo "$name: upload differs" >&2; exit 1; }
  awk -v n="$name" -v a=$((c1 - c0)) -v b=$((c2 - c1)) -v hz="$hz" -v mib="$size" \
      -v ta="$(echo "$t1 - $t0" | bc)" -v tb="$(echo "$t2 - $t1" | bc)" \
      'BEGIN { g = mib / 1024; printf "%-10s RETR %6.2f CPU s/GiB %7.1f MB/s   STOR %6.2f CPU s/GiB %7.1f MB/s\n",
               n, a / hz / g, mib * 1.048576 / ta, b / hz / g, mib * 1.048576 / tb }'
}

echo "# $(date -u +%FT%TZ) $(java -version 2>&1 | head -1), $size MiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  for target in "$@"; do
    run "${target%%=*}" "${target#*=}"
  done
done

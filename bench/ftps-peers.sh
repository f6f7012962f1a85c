#!/usr/bin/env bash
# FTPS on one stream, nioftpd beside Pure-FTPd: curl --ssl-reqd (explicit TLS,
# AUTH TLS, PROT P, TLS 1.3) RETR and STOR of one page-cached file on loopback,
# RSA-2048 certificate (core/src/test/resources/tls/rsa-cert.pem). For each
# target: MB/s and the server's CPU seconds per GiB (utime + stime + reaped
# children's, from /proc: Pure-FTPd serves each session in a child process).
# Targets are interleaved, round after round (A B C A B C ...), one fresh
# server per target and round, after -w warm-up RETRs and STORs each (default 4):
# with one, Java 17's C2 compiler threads still burned 0.3 to 0.4 s per GiB
# during the counted transfers (per-thread /proc/PID/task/*/stat), a one-time
# cost per process that a server in service has long paid; after four, 0.01.
#
# With -p, the server runs on CPU 0 and curl on CPU 1 (taskset): on two cores the scheduler
# otherwise sometimes puts both on one core, and a run comes out at half the rate with the same
# CPU per GiB (seen with Pure-FTPd and nioftpd alike: 470 or 1,030 MiB/s from one command).
#
#   bench/ftps-peers.sh [-s MiB] [-r rounds] [-w warm-ups] [-p] TARGET...
#   TARGET: NAME=JAVA_HOME:CLASSPATH  a build of nioftpd (core and server classes, or the jar)
#           pure-ftpd                 Pure-FTPd as bench/peers.sh unpacks it (PEERS=/tmp/peers)
#   e.g. bench/ftps-peers.sh -s 1024 -r 3 \
#          j17=/usr/lib/jvm/java-17-openjdk-amd64:core/target/classes:server/target/classes \
#          j25=/usr/lib/jvm/temurin-25-jdk-amd64:core/target/classes:server/target/classes pure-ftpd
#
# Prints one line per run, then the median of each column per target. Needs curl, openssl.
set -euo pipefail
size=1024
rounds=3
warmups=4
srvpin=()
clipin=()
while getopts "s:r:w:p" o; do
  case $o in
    s) size=$OPTARG ;;
    r) rounds=$OPTARG ;;
    w) warmups=$OPTARG ;;
    p) srvpin=(taskset -c 0) clipin=(taskset -c 1) ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-s MiB] [-r rounds] [-w warm-ups] [-p] TARGET..." >&2; exit 2; }
here="$(cd "$(dirname "$0")/.." && pwd)"
tls="$here/core/src/test/resources/tls"
PEERS=${PEERS:-/tmp/peers}
pure="$PEERS/pure-ftpd/usr"
for t in "$@"; do
  if [ "$t" = pure-ftpd ] && [ ! -x "$pure/sbin/pure-ftpd" ]; then
    echo "no $pure/sbin/pure-ftpd: run bench/peers.sh once (it unpacks Pure-FTPd)" >&2
    exit 2
  fi
done
work="$(mktemp -d /tmp/ftps-peers.XXXXXX)"
chmod 755 "$work"
spid=
trap '[ -n "$spid" ] && kill $spid 2>/dev/null; rm -rf "$work"' EXIT
mkdir -p "$work/root"
head -c "$((size * 1024 * 1024))" /dev/urandom >"$work/root/big.bin"
chown -R 65534:65534 "$work/root" 2>/dev/null || chmod 777 "$work/root" # Pure-FTPd's sessions run as nobody
cat "$tls/rsa-key.pem" "$tls/rsa-cert.pem" >"$work/pure.pem"
hz=$(getconf CLK_TCK)
port=22300
results="$work/results"

cpu() { # utime + stime + cutime + cstime of a pid, in clock ticks
  awk '{print $14 + $15 + $16 + $17}' "/proc/$1/stat"
}

settle() { # waits (deadline 10 s) until the server has no child left: its sessions' CPU is reaped
  local i
  for i in $(seq 1 100); do
    [ -z "$(pgrep -P "$spid" || true)" ] && return 0
    sleep 0.1
  done
  echo "server $spid still has children" >&2
}

start() { # NAME TARGET: starts a server on $port, sets spid, user and pass
  local name=$1 t=$2
  port=$((port + 1))
  if [ "$t" = pure-ftpd ]; then
    echo "bench:$(openssl passwd -1 bench):65534:65534::$work/root/./::::::::::::" >"$work/pure.passwd"
    rm -f "$work/pure.pdb"
    "$pure/bin/pure-pw" mkdb "$work/pure.pdb" -f "$work/pure.passwd"
    # -Y 1 TLS accepted, -2 key and certificate, -A chroot, -H no DNS, -E no anonymous
    "${srvpin[@]}" "$pure/sbin/pure-ftpd" -S "127.0.0.1,$port" -l "puredb:$work/pure.pdb" -H -E -A -Y 1 \
      -2 "$work/pure.pem" -p 30000:30999 >"$work/server.out" 2>&1 &
    spid=$!
    user=bench pass=bench
  else
    local jh=${t%%:*} cp=${t#*:}
    "${srvpin[@]}" "$jh/bin/java" -Xms256m -Xmx1g -cp "$cp" org.nioftpd.server.Main --listen "127.0.0.1:$port" \
      --root "$work/root" --user u:p:rw --tls-cert "$tls/rsa-cert.pem" --tls-key "$tls/rsa-key.pem" \
      --log-level warning >"$work/server.out" 2>&1 &
    spid=$!
    user=u pass=p
  fi
  local i
  for i in $(seq 1 100); do
    curl -s --max-time 2 "ftp://127.0.0.1:$port/" -u "$user:$pass" --ssl-reqd -k -o /dev/null && return 0
    sleep 0.2
  done
  echo "$name did not start:" >&2
  cat "$work/server.out" >&2
  exit 1
}

retr() { "${clipin[@]}" curl -s --ssl-reqd -k -u "$user:$pass" "ftp://127.0.0.1:$port/big.bin" -o /dev/null; }
stor() { "${clipin[@]}" curl -s --ssl-reqd -k -u "$user:$pass" -T "$work/root/big.bin" "ftp://127.0.0.1:$port/up.bin"; }

run() { # NAME TARGET ROUND
  local name=$1 t=$2 round=$3
  start "$name" "$t"
  local w
  for w in $(seq 1 "$warmups"); do
    retr
    stor
  done
  settle
  local c0 c1 c2 t0 t1 t2 t3
  c0=$(cpu "$spid")
  t0=$(date +%s.%N); retr; t1=$(date +%s.%N)
  settle
  c1=$(cpu "$spid")
  t2=$(date +%s.%N); stor; t3=$(date +%s.%N)
  settle
  c2=$(cpu "$spid")
  kill "$spid"; wait "$spid" 2>/dev/null || true
  spid=
  cmp -s "$work/root/big.bin" "$work/root/up.bin" || { echo "$name: the upload differs" >&2; exit 1; }
  rm -f "$work/root/up.bin"
  # the rate is curl's whole run (login, AUTH TLS, PROT P, transfer, QUIT), as a user sees it
  awk -v n="$name" -v r="$round" -v a=$((c1 - c0)) -v b=$((c2 - c1)) -v hz="$hz" -v mib="$size" \
      -v ta="$(echo "$t1 - $t0" | bc)" -v tb="$(echo "$t3 - $t2" | bc)" -v l="$(cut -d' ' -f1 /proc/loadavg)" \
      'BEGIN { g = mib / 1024
               printf "%-10s %5d %9.1f %9.2f %9.1f %9.2f %6s\n", n, r, mib / ta, a / hz / g, mib / tb, b / hz / g, l }' \
    | tee -a "$results"
}

echo "# $(date -u +%FT%TZ) $size MiB, $rounds rounds, $warmups warm-ups, $(nproc) cores,${srvpin[*]:+ server on CPU 0 and curl on CPU 1,} load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# curl $(curl --version | head -1 | cut -d' ' -f2), $(openssl version)"
for t in "$@"; do
  [ "$t" = pure-ftpd ] && continue
  jh=${t#*=}; jh=${jh%%:*}
  echo "# ${t%%=*}: $("$jh/bin/java" -version 2>&1 | head -1)"
done
printf "%-10s %5s %9s %9s %9s %9s %6s\n" target round "RETR MiB/s" "CPU s/GiB" "STOR MiB/s" "CPU s/GiB" load1
for r in $(seq 1 "$rounds"); do
  for t in "$@"; do
    if [ "$t" = pure-ftpd ]; then run pure-ftpd pure-ftpd "$r"; else run "${t%%=*}" "${t#*=}" "$r"; fi
  done
done
echo "# medians"
for t in "$@"; do
  name=${t%%=*}
  line=$(printf "%-10s %5s" "$name" med)
  for c in 3 4 5 6; do # mawk has no sort: the median through sort(1)
    line="$line $(awk -v n="$name" -v c=$c '$1 == n { print $c }' "$results" | sort -g |
      awk '{ v[NR] = $1 } END { printf "%9s", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')"
  done
  echo "$line"
done
echo "# end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Sets up and starts the FTP servers the load generator compares, side by
# side on 127.0.0.1 high ports, without installing any of them system-wide:
# Debian packages are fetched with `apt-get download` and unpacked with
# `dpkg -x` under $PEERS (default /tmp/peers). The two Java servers run from
# bench/target/benchmarks.jar (`serve`).
#
#   bench/peers.sh setup                      fetch and unpack the native peers (idempotent)
#   bench/peers.sh start NAME [PORT [ROOT]]   start one (prints its pid; logs in $PEERS/NAME/run/)
#   bench/peers.sh stop NAME                  stop one
#   bench/peers.sh start-all [ROOT]           every peer on its default port
#   bench/peers.sh stop-all
#   bench/peers.sh targets                    the --target and --pid options for `load`
#
# NAME and default port:
#   nioftpd 2121, apache 2122 (Apache FtpServer 1.2.1), vsftpd 2123, pure-ftpd 2124,
#   proftpd 2125, pyftpdlib 2126, nioftpd-daemon 2127 (the daemon, server/target/nioftpd.jar,
#   with its own default JVM flags, as a user runs it; $DAEMON_JAVA_OPTS adds flags)
# ROOT defaults to the fixtures tree (`java -jar bench/target/benchmarks.jar fixtures`),
# /tmp/nioftpd-bench-root. Every server gets user bench/bench with write access, except
# vsftpd, which serves ROOT to anonymous (its local users need system accounts and PAM;
# anonymous needs neither; it runs anonymous sessions as the system user daemon, whose home
# exists, as vsftpd requires): its target logs in as anonymous. Needs root (vsftpd,
# proftpd and pure-ftpd drop to nobody for sessions). Each server gets its own passive
# port range below the ephemeral ports (see PASV): all alike, as a production setup would.
set -euo pipefail

PEERS=${PEERS:-/tmp/peers}
HERE=$(cd "$(dirname "$0")" && pwd)
JAR=${JAR:-$HERE/target/benchmarks.jar}
LIBS=$PEERS/libs/usr/lib/x86_64-linux-gnu
DEFAULT_ROOT=${ROOT:-/tmp/nioftpd-bench-root}
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx1g}
DAEMON_JAR=${DAEMON_JAR:-$HERE/../server/target/nioftpd.jar}
DAEMON_JAVA_OPTS=${DAEMON_JAVA_OPTS:-}

NAMES=(nioftpd apache vsftpd pure-ftpd proftpd pyftpdlib)
declare -A PORT=([nioftpd]=2121 [apache]=2122 [vsftpd]=2123 [pure-ftpd]=2124 [proftpd]=2125 [pyftpdlib]=2126
                 [nioftpd-daemon]=2127)
# passive port ranges, disjoint so that peers running together never collide
# below the kernel's ephemeral range (32768-60999), where client sockets would take them
declare -A PASV=([vsftpd]="20000 21999" [pure-ftpd]="22000 23999" [proftpd]="24000 25999" [pyftpdlib]="26000 27999"
                 [nioftpd]="28000 29999" [apache]="30000 31999" [nioftpd-daemon]="18000 19999")

die() { echo "peers.sh: $*" >&2; exit 1; }

fetch() { # fetch PACKAGE... into $PEERS/debs
  mkdir -p "$PEERS/debs"
  (cd "$PEERS/debs" && apt-get download "$@" >/dev/null 2>&1) || {
    apt-get update -qq >/dev/null 2>&1 || true
    (cd "$PEERS/debs" && apt-get download "$@" >/dev/null) || die "apt-get download $* failed"
  }
}

unpack() { # unpack NAME PACKAGE: dpkg -x the package into $PEERS/NAME
  local name=$1 pkg=$2
  [ -d "$PEERS/$name/usr" ] && return 0
  ls "$PEERS/debs/${pkg}_"*.deb >/dev/null 2>&1 || fetch "$pkg"
  mkdir -p "$PEERS/$name"
  dpkg -x "$PEERS/debs/${pkg}_"*.deb "$PEERS/$name"
}

setup() {
  command -v apt-get >/dev/null || die "needs Debian's apt-get"
  unpack vsftpd vsftpd
  unpack pure-ftpd pure-ftpd
  unpack proftpd proftpd-core
  unpack pyftpdlib python3-pyftpdlib
  # shared libraries the base image lacks (vsftpd: libwrap; proftpd: hiredis, memcached, pcre2-posix)
  for lib in libwrap0 libhiredis0.14 libmemcached11 libmemcachedutil2 libhashkit2 libpcre2-posix3; do
    if ! ls "$PEERS/debs/${lib}_"*.deb >/dev/null 2>&1; then fetch "$lib"; fi
    mkdir -p "$PEERS/libs"
    dpkg -x "$PEERS/debs/${lib}_"*.deb "$PEERS/libs"
  done
  for b in "$PEERS/vsftpd/usr/sbin/vsftpd" "$PEERS/proftpd/usr/sbin/proftpd" "$PEERS/pure-ftpd/usr/sbin/pure-ftpd"; do
    if LD_LIBRARY_PATH=$LIBS ldd "$b" | grep -q 'not found'; then
      LD_LIBRARY_PATH=$LIBS ldd "$b" | grep 'not found' >&2
      die "$b: missing libraries"
    fi
  done
  echo "peers unpacked under $PEERS"
}

ensure_root() {
  local root=$1
  if [ ! -f "$root/.nioftpd-bench-fixtures-v1" ]; then
    [ -f "$JAR" ] || die "no $JAR: build it with mvn -pl bench -am package -DskipTests"
    java -jar "$JAR" fixtures "$root" >/dev/null
  fi
  chmod 0755 "$root"; chmod 0777 "$root/upload"
}

start() {
  local name=$1 port=${2:-${PORT[$1]:-}} root=${3:-$DEFAULT_ROOT}
  [ -n "$port" ] || die "unknown peer '$name' (known: ${NAMES[*]})"
  ensure_root "$root"
  local dir=$PEERS/$name run=$PEERS/$name/run
  mkdir -p "$run"
  if [ -f "$run/pid" ] && kill -0 "$(cat "$run/pid")" 2>/dev/null; then
    die "$name already runs (pid $(cat "$run/pid")); stop it first"
  fi
  case $name in
    nioftpd|apache)
      set -- ${PASV[$name]}
      # shellcheck disable=SC2086
      java $JAVA_OPTS -jar "$JAR" serve "$name" --root "$root" --port "$port" --passive-ports "$1-$2" \
        >"$run/log" 2>&1 &
      echo $! >"$run/pid"
      ;;
    nioftpd-daemon)
      [ -f "$DAEMON_JAR" ] || die "no $DAEMON_JAR: build it with mvn -pl server -am package -DskipTests"
      set -- ${PASV[$name]}
      # the daemon as a user starts it, its own JVM defaults; limits lifted for a benchmark
      # from one address (as the peers have none), logs at warning (the peers log no transfers)
      # shellcheck disable=SC2086
      java $DAEMON_JAVA_OPTS -jar "$DAEMON_JAR" --listen "127.0.0.1:$port" --root "$root" \
        --passive-ports "$1-$2" --user bench:bench --max-sessions-per-address 20000 \
        --max-passive-per-address 2000 --ban 0 --log-level warning >"$run/log" 2>&1 &
      echo $! >"$run/pid"
      ;;
    vsftpd)
      [ -x "$dir/usr/sbin/vsftpd" ] || setup
      mkdir -p "$dir/empty"
      set -- ${PASV[vsftpd]}
      cat >"$run/vsftpd.conf" <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$port
background=NO
anonymous_enable=YES
local_enable=NO
anon_root=$root
no_anon_password=YES
ftp_username=daemon
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
anon_umask=022
secure_chroot_dir=$dir/empty
pasv_enable=YES
pasv_min_port=$1
pasv_max_port=$2
max_clients=0
max_per_ip=0
seccomp_sandbox=NO
isolate_network=NO
tcp_wrappers=NO
xferlog_enable=NO
dirmessage_enable=NO
idle_session_timeout=600
data_connection_timeout=300
pam_service_name=vsftpd
EOF
      LD_LIBRARY_PATH=$LIBS "$dir/usr/sbin/vsftpd" "$run/vsftpd.conf" >"$run/log" 2>&1 &
      echo $! >"$run/pid"
      ;;
    pure-ftpd)
      [ -x "$dir/usr/sbin/pure-ftpd" ] || setup
      rm -f "$run/pureftpd.passwd" "$run/pureftpd.pdb"
      # pure-pw's own default hash is argon2id at t=511, about 2 s of CPU per login here: by
      # design, and not what a benchmark of FTP measures. MD5-crypt, as for proftpd, instead.
      echo "bench:$(openssl passwd -1 bench):65534:65534::$root/./::::::::::::" >"$run/pureftpd.passwd"
      "$dir/usr/bin/pure-pw" mkdb "$run/pureftpd.pdb" -f "$run/pureftpd.passwd"
      set -- ${PASV[pure-ftpd]}
      # -H no DNS, -E no anonymous, -c/-C no client limits, -A chroot, -j no home creation games
      "$dir/usr/sbin/pure-ftpd" -S "127.0.0.1,$port" -l "puredb:$run/pureftpd.pdb" -H -E -A \
        -c 50000 -C 50000 -p "$1:$2" -I 15 >"$run/log" 2>&1 &
      echo $! >"$run/pid"
      ;;
    proftpd)
      [ -x "$dir/usr/sbin/proftpd" ] || setup
      local hash
      hash=$(openssl passwd -1 bench) # MD5-crypt: cheap, as for pure-ftpd
      echo "bench:$hash:65534:65534::$root:/bin/false" >"$run/passwd"
      echo "nogroup:x:65534:" >"$run/group"
      chmod 0600 "$run/passwd" "$run/group"
      set -- ${PASV[proftpd]}
      cat >"$run/proftpd.conf" <<EOF
ServerType standalone
ServerName "proftpd bench"
DefaultServer on
Port $port
DefaultAddress 127.0.0.1
SocketBindTight on
User nobody
Group nogroup
PidFile $run/proftpd.pid
ScoreboardFile $run/proftpd.scoreboard
DelayTable none
WtmpLog off
UseReverseDNS off
AuthOrder mod_auth_file.c
AuthUserFile $run/passwd
AuthGroupFile $run/group
RequireValidShell off
DefaultRoot ~
MaxInstances 20000
MaxClients none
MaxClientsPerHost none
MaxLoginAttempts 1000
PassivePorts $1 $2
TransferLog none
SystemLog $run/proftpd.syslog
TimeoutIdle 600
Umask 022
AllowOverwrite on
EOF
      LD_LIBRARY_PATH=$LIBS "$dir/usr/sbin/proftpd" -n -q -c "$run/proftpd.conf" >"$run/log" 2>&1 &
      echo $! >"$run/pid"
      ;;
    pyftpdlib)
      [ -d "$dir/usr/lib/python3/dist-packages/pyftpdlib" ] || setup
      set -- ${PASV[pyftpdlib]}
      cat >"$run/serve.py" <<EOF
import logging
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.servers import FTPServer
logging.basicConfig(level=logging.WARNING)
a = DummyAuthorizer()
a.add_user("bench", "bench", "$root", perm="elradfmwMT")
a.add_anonymous("$root")
FTPHandler.authorizer = a
FTPHandler.passive_ports = range($1, $2 + 1)
FTPHandler.banner = "pyftpdlib ready."
s = FTPServer(("127.0.0.1", $port), FTPHandler)
s.max_cons = 20000
s.max_cons_per_ip = 0
s.serve_forever()
EOF
      PYTHONPATH=$dir/usr/lib/python3/dist-packages python3 "$run/serve.py" >"$run/log" 2>&1 &
      echo $! >"$run/pid"
      ;;
    *) die "unknown peer '$name' (known: ${NAMES[*]})" ;;
  esac
  # wait until it listens (at most 20 s)
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$name listening on 127.0.0.1:$port, pid $(cat "$run/pid")"
      return 0
    fi
    kill -0 "$(cat "$run/pid")" 2>/dev/null || { cat "$run/log" >&2; die "$name exited"; }
    sleep 0.2
  done
  die "$name does not listen on $port; see $run/log"
}

stop() {
  local name=$1 run=$PEERS/$1/run
  if [ -f "$run/pid" ]; then
    local pid
    pid=$(cat "$run/pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
      echo "$name stopped"
    fi
    rm -f "$run/pid"
  fi
}

targets() {
  local out=()
  for n in "${NAMES[@]}"; do
    local run=$PEERS/$n/run
    [ -f "$run/pid" ] && kill -0 "$(cat "$run/pid")" 2>/dev/null || continue
    if [ "$n" = vsftpd ]; then
      out+=(--target "$n=anonymous:bench@127.0.0.1:${PORT[$n]}")
    else
      out+=(--target "$n=127.0.0.1:${PORT[$n]}")
    fi
    out+=(--pid "$n=$(cat "$run/pid")")
  done
  echo "${out[@]}"
}

case ${1:-} in
  setup) setup ;;
  start) shift; [ $# -ge 1 ] || die "start NAME [PORT [ROOT]]"; start "$@" ;;
  stop) shift; [ $# -ge 1 ] || die "stop NAME"; stop "$1" ;;
  start-all) root=${2:-$DEFAULT_ROOT}; for n in "${NAMES[@]}"; do start "$n" "${PORT[$n]}" "$root"; done ;;
  stop-all) for n in "${NAMES[@]}" nioftpd-daemon; do stop "$n"; done ;;
  targets) targets ;;
  *) sed -n '2,26p' "$0"; exit 2 ;;
esac

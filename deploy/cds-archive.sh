#!/usr/bin/env bash
# Builds a class-data sharing archive (AppCDS, Java 17) of nioftpd's own classes, so that a
# daemon started with -XX:SharedArchiveFile=ARCHIVE maps them ready-made instead of loading,
# verifying and linking them: its start costs about a quarter less CPU, its first logins a third
# less (BENCHMARKS.md, "Fast from the first second"). A missing or stale archive is ignored by
# the JVM (it then loads classes as usual), so the flag is always safe.
#
#   deploy/cds-archive.sh JAR ARCHIVE [JAVA]
#
# With Java 25 or later it writes an AOT cache instead (use -XX:AOTCache=ARCHIVE).
#
# It starts the daemon on a free loopback port with -XX:ArchiveClassesAtExit=ARCHIVE and drives
# the paths every session takes (logins, the control commands, PASV listings, RETR, STOR, a
# failed login) with bash's /dev/tcp, then stops it (SIGTERM): the JVM writes the classes it
# loaded. No FTP client needed: it runs in the Docker image build. Rebuild the archive whenever
# the JAR or the JVM changes (the JVM refuses an archive from another build, silently).
set -euo pipefail
JAR=${1:?usage: cds-archive.sh JAR ARCHIVE [JAVA]}
ARCHIVE=${2:?usage: cds-archive.sh JAR ARCHIVE [JAVA]}
JAVA=${3:-java}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/dir" "$work/root/up"
for i in $(seq 1 50); do printf 'file %s\n' "$i" >"$work/root/dir/f$i.txt"; done
head -c 65536 /dev/zero >"$work/root/file.bin"

port=""
for p in $(shuf -i 20000-30000 -n 20); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || { echo "cds-archive.sh: no free port" >&2; exit 1; }

# Java 25 and later: the AOT cache (JEP 483/514/515), which also keeps the training run's method
# profiles, so the JIT compiles the hot paths sooner; run with -XX:AOTCache=ARCHIVE then.
# Java 17 to 24: a dynamic AppCDS archive; run with -XX:SharedArchiveFile=ARCHIVE.
feature=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${feature:-17}" -ge 25 ]; then record=-XX:AOTCacheOutput="$ARCHIVE"; else record=-XX:ArchiveClassesAtExit="$ARCHIVE"; fi

"$JAVA" "$record" -jar "$JAR" --listen "127.0.0.1:$port" --root "$work/root" \
  --user train:train --passive-ports "$((port + 1))-$((port + 50))" --failed-login-delay 0 \
  >"$work/log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
  sleep 0.1
done

reply() { # the last line of a reply (multi-line replies: up to "NNN ")
  local line
  while IFS= read -r -t 10 line <&3; do
    line=${line%$'\r'}
    if [[ $line =~ ^[0-9]{3}\  ]]; then REPLY_LINE=$line; return 0; fi
  done
  echo "cds-archive.sh: no reply" >&2; return 1
}
cmd() { printf '%s\r\n' "$1" >&3; reply; }
pasv() { # PASV, then open fd 4 to the port it names
  cmd PASV
  local nums=${REPLY_LINE#*(}; nums=${nums%)*}
  IFS=, read -r _ _ _ _ p1 p2 <<<"$nums"
  exec 4<>"/dev/tcp/127.0.0.1/$((p1 * 256 + p2))"
}
session() {
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  reply
  cmd "USER train"; cmd "PASS train"
  for c in SYST FEAT PWD "TYPE I" "CWD /dir" "CDUP" "SIZE /file.bin" "MDTM /file.bin" NOOP "OPTS UTF8 ON"; do
    cmd "$c"
  done
  for c in "LIST /dir" "MLSD /dir" "NLST /dir" "RETR /file.bin"; do
    pasv; printf '%s\r\n' "$c" >&3; reply; cat <&4 >/dev/null; exec 4<&-; reply
  done
  pasv; printf 'STOR /up/u.bin\r\n' >&3; reply; head -c 65536 /dev/zero >&4; exec 4>&-; reply
  cmd "DELE /up/u.bin"
  cmd "MLST /file.bin"
  cmd QUIT
  exec 3<&-
}
for _ in 1 2 3; do session; done
exec 3<>"/dev/tcp/127.0.0.1/$port"; reply; cmd "USER train"; cmd "PASS wrong" || true; exec 3<&-

kill -TERM "$server"
wait "$server" || true
[ -s "$ARCHIVE" ] || { cat "$work/log" >&2; echo "cds-archive.sh: no archive written" >&2; exit 1; }
echo "cds-archive.sh: $ARCHIVE ($(wc -c <"$ARCHIVE") bytes)"

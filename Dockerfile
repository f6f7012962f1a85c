# syntax=docker/dockerfile:1
#
# nioftpd in a container:
#   docker build -t nioftpd .
#   docker run -d --name ftp --stop-timeout 40 \
#     -p 21:21 -p 50000-50100:50000-50100 -v /srv/ftp:/srv/ftp \
#     nioftpd --listen 0.0.0.0:21 --root /srv/ftp --passive-ports 50000-50100 \
#             --passive-address 203.0.113.10
# (--passive-address: the host's public address, which PASV replies must
# announce instead of the container's.) With a config file:
#   docker run ... -v /etc/nioftpd:/etc/nioftpd:ro nioftpd --config /etc/nioftpd/nioftpd.conf
# docker kill -s HUP ftp reloads the users file; docker stop is a graceful stop.

# ---------------------------------------------------------------- build
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY core/pom.xml core/
COPY server/pom.xml server/
# The reactor reads every module's POM, even one it does not build.
COPY bench/pom.xml bench/
COPY core/src core/src
COPY server/src server/src
# Tests run in CI (mvn verify), not in the image build.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -pl server -am package -DskipTests

# -------------------------------------------------------------- runtime
FROM eclipse-temurin:17-jre
# UID and GID 521, as in docs/OPERATIONS.md and the systemd unit: files in a
# mounted /srv/ftp belong to the same numbers on the host (chown 521:521).
RUN groupadd --system --gid 521 nioftpd \
 && useradd --system --uid 521 --gid nioftpd --home-dir /srv/ftp --no-create-home --shell /usr/sbin/nologin nioftpd \
 && install -d -o nioftpd -g nioftpd -m 755 /srv/ftp \
 && install -d -m 755 /etc/nioftpd
COPY --from=build /src/server/target/nioftpd.jar /opt/nioftpd/nioftpd.jar
# A class-data sharing archive of nioftpd's classes, made by this image's own JVM from a short
# training run (logins, listings, RETR, STOR over loopback): the server's start costs about a
# quarter less CPU, its first logins a third less (BENCHMARKS.md, "Fast from the first second").
COPY deploy/cds-archive.sh /opt/nioftpd/cds-archive.sh
RUN bash /opt/nioftpd/cds-archive.sh /opt/nioftpd/nioftpd.jar /opt/nioftpd/nioftpd.jsa

# Not root. Docker (20.10 and later) lets any user of a container bind ports
# below 1024; on an older engine, or with --network host, listen on 2121.
USER nioftpd
WORKDIR /srv/ftp
VOLUME ["/srv/ftp"]
EXPOSE 21 50000-50100
# Healthy when the server answers a connection with its 220 greeting (and a
# QUIT): bash's /dev/tcp, no client in the image. Set NIOFTPD_HEALTH_PORT
# when --listen names another port.
ENV NIOFTPD_HEALTH_PORT=21
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD timeout 4 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$NIOFTPD_HEALTH_PORT" && IFS= read -r line <&3 && printf "QUIT\r\n" >&3 && [[ $line == 220* ]]' || exit 1
# Java runs as PID 1 and handles SIGTERM (graceful), SIGINT and SIGHUP itself.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-XX:SharedArchiveFile=/opt/nioftpd/nioftpd.jsa", "-jar", "/opt/nioftpd/nioftpd.jar"]
CMD ["--listen", "0.0.0.0:21", "--root", "/srv/ftp", "--passive-ports", "50000-50100"]

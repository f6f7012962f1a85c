package org.nioftpd.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nioftpd.FtpServer;
import org.nioftpd.event.Operation;
import org.nioftpd.auth.FolderPolicy;
import org.nioftpd.auth.Authenticator;
import org.nioftpd.auth.LdapAuthenticator;
import org.nioftpd.server.Values.BadValue;
import org.nioftpd.server.Values.User;

/**
 * The command line: one table of options, GNU style ({@code --opt value} or
 * {@code --opt=value}), and the config file of {@code --config}, whose
 * names are the same options'. Each row says its name, its argument, its help line
 * and how it applies to the {@link FtpServer.Builder}; {@code --help} is
 * generated from the table, so it cannot drift from what is parsed.
 * A new option is one new row.
 */
final class Options {

    /** A command line that cannot be obeyed; the message is one line naming the option. */
    static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }

    /** How a row applies its value (null for a flag). */
    @FunctionalInterface
    interface Setter {
        void apply(Options target, String value) throws BadValue;
    }

    /** Where an option may be given. */
    enum Scope {
        /** On the command line and in a config file. */
        ANYWHERE,
        /** Only on the command line: it says what to do with the configuration, it is not part of it. */
        COMMAND_LINE
    }

    /**
     * One row of the table; {@code argName} is null for a flag. {@code group}
     * is the heading it is listed under in --help.
     */
    record Option(String group, String name, String argName, boolean repeatable, Scope scope, String help,
                  Setter setter) {
        String synopsis() {
            return "--" + name + (argName == null ? "" : " " + argName);
        }

        boolean isFlag() {
            return argName == null;
        }
    }

    private static final String SERVING = "Serving:";
    private static final String LOGINS = "Logins:";
    private static final String LIMITS = "Limits:";
    private static final String FOLDERS = "Folders, rights and quotas:";
    private static final String TIMEOUTS = "Timeouts (seconds):";
    private static final String TLS = "FTPS (TLS):";
    private static final String LDAP = "LDAP logins (names not in --user or --users):";
    private static final String LOGS = "Logs and monitoring:";
    private static final String RUNNING = "Running:";
    private static final String ACTIONS = "Actions (after an operation succeeded):";

    private static Option option(String group, String name, String arg, String help, Setter setter) {
        return new Option(group, name, arg, false, Scope.ANYWHERE, help, setter);
    }

    private static Option repeatable(String group, String name, String arg, String help, Setter setter) {
        return new Option(group, name, arg, true, Scope.ANYWHERE, help, setter);
    }

    private static Option flag(String group, String name, String help, Setter setter) {
        return new Option(group, name, null, false, Scope.ANYWHERE, help, setter);
    }

    private static Option commandLine(String name, String arg, String help, Setter setter) {
        return new Option(RUNNING, name, arg, false, Scope.COMMAND_LINE, help, setter);
    }

    // ------------------------------------------------------------------ the table

    static final List<Option> TABLE = List.of(
            repeatable(SERVING, "listen", "HOST:PORT",
                    "listen address, repeatable, IPv6 as [::1]:2121 (default 127.0.0.1:2121)",
                    (o, v) -> o.builder.listen(o.add(o.listen, Values.hostPort(v)))),
            option(SERVING, "root", "DIR|URI",
                    "directory served as / (default: current directory), or a URI of any file system provider"
                            + " on the class path: s3://bucket/dir/, jar:file:/srv/a.zip!/ (docs/OPERATIONS.md, Storage)",
                    (o, v) -> o.builder.root(o.root = Values.store(v))),
            option(SERVING, "passive-ports", "LO-HI",
                    "passive port range (default: 49152-65535, a random free one each time)",
                    (o, v) -> {
                        int[] range = Values.portRange(v);
                        o.builder.passivePorts(range[0], range[1]);
                    }),
            repeatable(SERVING, "passive-address", "ADDR|CIDR=ADDR,...[@LISTEN]",
                    "address announced in PASV replies (behind NAT): an IP or host name for everyone, or"
                            + " CIDR=ADDR rules, first match wins, ADDR an IP, a host name or 'local' (the"
                            + " control connection's address), as 10.0.0.0/8=local,0.0.0.0/0=ftp.example.com;"
                            + " @LISTEN: for that --listen only",
                    (o, v) -> o.passiveAddress(v)),
            flag(SERVING, "proxy-protocol",
                    "each connection starts with a PROXY protocol v1 or v2 header (HAProxy, a load balancer),"
                            + " whose client address counts; a connection without one is closed",
                    (o, v) -> o.builder.proxyProtocol(true)),
            option(SERVING, "dot-files", "WHO",
                    "who may see and use names starting with '.' (.ssh, .git, .env): none (default: hidden"
                            + " and refused to every command), users (named users, never anonymous) or all",
                    (o, v) -> o.dotFiles(Values.dotFiles(v))),
            repeatable(SERVING, "hide", "PATTERN",
                    "leave names matching PATTERN (* and ?, one name) out of listings; still usable by name;"
                            + " repeatable",
                    (o, v) -> o.builder.hide(o.add(o.hide, Values.namePattern(v)))),
            repeatable(SERVING, "deny", "PATTERN",
                    "hide names matching PATTERN and refuse them (550) to every command, for everyone;"
                            + " repeatable",
                    (o, v) -> o.builder.deny(o.add(o.deny, Values.namePattern(v)))),
            option(SERVING, "banner", "TEXT",
                    "greeting sent with 220 (default 'nioftpd ready.')",
                    (o, v) -> o.builder.banner(Values.banner(v))),
            option(SERVING, "loops", "N",
                    "event loops (default: number of cores)",
                    (o, v) -> o.builder.loops(o.loops = Values.positiveInt(v, Values.MAX_LOOPS))),

            repeatable(LOGINS, "user", "NAME:PASSWORD[:ro|:rw]",
                    "a login served --root, repeatable (default rw); with any --user or --users,"
                            + " anonymous is off unless --anonymous",
                    (o, v) -> o.addUser(Values.user(v))),
            option(LOGINS, "users", "FILE",
                    "users file: name:hash:home:rw|ro[:options] a line, hashes from hash-password;"
                            + " re-read on SIGHUP",
                    (o, v) -> o.usersFile = Values.existingFile(v)),
            flag(LOGINS, "anonymous",
                    "allow anonymous login (anonymous or ftp), read-only",
                    (o, v) -> o.anonymous = true),
            option(LOGINS, "anonymous-root", "DIR|URI",
                    "directory anonymous sees as / (default --root); implies --anonymous",
                    (o, v) -> o.anonymousRoot = Values.store(v)),
            option(LOGINS, "anonymous-upload-dir", "/DIR",
                    "upload-only drop box for anonymous, as /incoming: new files may be stored there,"
                            + " nothing listed or read; implies --anonymous",
                    (o, v) -> o.anonymousUploadDir = Values.virtualDirectory(v)),

            repeatable(FOLDERS, "mount", "/VIRTUAL DIR",
                    "a virtual folder in every user's tree: /VIRTUAL is the directory DIR, listed in its parent as a"
                            + " directory; repeatable (per user: mount= in the users file)",
                    (o, v) -> o.folders = Options.mount(o.folders, v)),
            repeatable(FOLDERS, "rights", "/PATH RIGHTS",
                    "what users may do under /PATH (inherited below it): list, read, write, create, overwrite, append,"
                            + " delete, rename, mkdir, rmdir, chmod, times, or all, none, read-only, upload-only;"
                            + " +right / -right change the inherited set; hidden leaves /PATH out of listings;"
                            + " repeatable",
                    (o, v) -> o.folders = o.folders.with("rights", v)),
            repeatable(FOLDERS, "quota", "[/PATH] LIMITS",
                    "per-user quota on / or a mount: SIZE (100M, 2G), files=N, max-file=SIZE; enforced while data"
                            + " arrives (552); repeatable; these three are re-read from --config on SIGHUP",
                    (o, v) -> o.folders = o.folders.with("quota", v)),

            option(LIMITS, "max-sessions", "N",
                    "sessions at once, in all (default 10000)",
                    (o, v) -> o.builder.maxSessions(Values.positiveInt(v, 1_000_000))),
            option(LIMITS, "max-sessions-per-address", "N",
                    "sessions at once from one address (default 50)",
                    (o, v) -> o.builder.maxSessionsPerAddress(Values.positiveInt(v, 1_000_000))),
            option(LIMITS, "max-passive-per-address", "N",
                    "passive listeners open at once for one address; beyond it PASV and EPSV get 425"
                            + " (default 32; with a small --passive-ports range, a quarter of it or less)",
                    (o, v) -> o.builder.maxPassivePerAddress(Values.positiveInt(v, 1_000_000))),
            option(LIMITS, "max-download-rate", "RATE",
                    "bytes per second sent, all sessions together: 512K, 10M (default 0, no limit)",
                    (o, v) -> o.downloadRate = Values.rate(v)),
            option(LIMITS, "max-upload-rate", "RATE",
                    "bytes per second received, all sessions together (default 0, no limit)",
                    (o, v) -> o.uploadRate = Values.rate(v)),
            option(LIMITS, "ban", "FAILURES/WINDOW/BAN",
                    "ban an address for BAN seconds after FAILURES failed logins within WINDOW seconds"
                            + " (default 10/600/900; 0 turns bans off)",
                    (o, v) -> {
                        Values.Ban ban = Values.ban(v);
                        o.builder.banFailedLogins(ban.failures(), ban.window(), ban.duration());
                    }),
            repeatable(LIMITS, "ban-exempt", "CIDR[,CIDR...]",
                    "networks never banned for failed logins, as a monitoring host (default none);"
                            + " repeatable",
                    (o, v) -> o.banExempt(v)),
            option(LIMITS, "ban-ipv6-prefix", "BITS",
                    "count and ban IPv6 clients by their network of BITS bits (default 64; 128: one address)",
                    (o, v) -> o.builder.banIpv6Prefix(Values.intRange(v, 1, 128))),
            option(LIMITS, "ban-mode", "MODE",
                    "address (default): failed logins ban the client's address; address-and-user: they ban"
                            + " that user from that address only (PASS gets 530), so one NAT address does not lock"
                            + " out everyone behind it",
                    (o, v) -> o.builder.banMode(banMode(v))),
            repeatable(LIMITS, "allow-from", "CIDR[,CIDR...][@LISTEN]",
                    "only these client networks may connect (others get no greeting); the longest matching"
                            + " prefix of --allow-from and --deny-from decides, deny on a tie; @LISTEN: on that"
                            + " --listen only; repeatable",
                    (o, v) -> o.addressRule(v, true)),
            repeatable(LIMITS, "deny-from", "CIDR[,CIDR...][@LISTEN]",
                    "client networks refused at connect, without a greeting; repeatable",
                    (o, v) -> o.addressRule(v, false)),
            option(LIMITS, "max-login-failures", "N",
                    "failed logins before disconnecting (default 3)",
                    (o, v) -> o.builder.maxLoginFailures(Values.positiveInt(v, 1000))),
            option(LIMITS, "failed-login-delay", "MS",
                    "milliseconds before a 530 for a bad login (default 1000)",
                    (o, v) -> o.builder.failedLoginDelay(Duration.ofMillis(Values.intRange(v, 0, 60_000)))),
            option(LIMITS, "max-line", "BYTES",
                    "longest command line accepted (default 4096)",
                    (o, v) -> o.builder.maxLineBytes(Values.intRange(v, 64, 1 << 20))),
            option(LIMITS, "max-inflate-ratio", "RATIO[/BYTES]",
                    "MODE Z uploads: 552 once the file is more than RATIO times the compressed bytes"
                            + " and more than BYTES (default 100/64M; 0 turns it off)",
                    (o, v) -> {
                        long[] limit = Values.inflateLimit(v);
                        o.builder.maxInflateRatio(limit[0], limit[1]);
                    }),
            option(LIMITS, "max-path-depth", "N",
                    "deepest path below a root, in directories; deeper is refused with 550 (default 128)",
                    (o, v) -> o.builder.maxPathDepth(Values.positiveInt(v, 4096))),
            option(LIMITS, "checksum-threads", "N",
                    "threads hashing files (HASH, XSHA256...), apart from logins and uploads"
                            + " (default: number of cores, at least 2)",
                    (o, v) -> o.builder.checksumThreads(Values.positiveInt(v, 1024))),
            option(LIMITS, "max-checksums-per-address", "N",
                    "checksums one address may run at once; more get 450 (default 4; 0 for no limit)",
                    (o, v) -> o.builder.maxChecksumsPerAddress(Values.intRange(v, 0, 100_000))),
            option(LIMITS, "max-hash-bytes", "BYTES",
                    "most bytes one checksum request may hash, as in 16G; more get 504"
                            + " (default 16G; 0 for no limit)",
                    (o, v) -> o.builder.maxHashBytes(Values.bytes(v))),
            flag(LIMITS, "allow-foreign-data",
                    "allow data connections to or from hosts other than the client's (FXP); default off",
                    (o, v) -> o.builder.allowForeignDataAddress(true)),

            option(TIMEOUTS, "login-timeout", "S",
                    "time to log in after connecting (default 60)",
                    (o, v) -> o.builder.loginTimeout(Values.seconds(v, 1))),
            option(TIMEOUTS, "idle-timeout", "S",
                    "idle time allowed between commands (default 300)",
                    (o, v) -> o.builder.idleTimeout(Values.seconds(v, 1))),
            option(TIMEOUTS, "data-timeout", "S",
                    "time a transfer may stall (default 300)",
                    (o, v) -> o.builder.dataTimeout(Values.seconds(v, 1))),
            option(TIMEOUTS, "accept-timeout", "S",
                    "time to open a data connection (default 60)",
                    (o, v) -> o.builder.acceptTimeout(Values.seconds(v, 1))),
            option(TIMEOUTS, "shutdown-grace", "S",
                    "on SIGTERM, time transfers get to finish (default 30)",
                    (o, v) -> o.shutdownGrace = Values.seconds(v, 0)),

            repeatable(TLS, "implicit-tls-listen", "HOST:PORT[=CERT:KEY]",
                    "implicit FTPS listener, repeatable (TLS from the first byte, usually port 990; PROT P assumed),"
                            + " with its own PEM certificate and key if given",
                    (o, v) -> {
                        int eq = v.indexOf('=');
                        if (eq < 0) {
                            o.builder.implicitTlsListen(o.add(o.implicitTlsListen, Values.hostPort(v)));
                        } else {
                            Values.HostCert hc = Values.hostCert("listener" + v.substring(eq));
                            o.builder.implicitTlsListen(o.add(o.implicitTlsListen, Values.hostPort(v.substring(0, eq))),
                                    hc.cert(), hc.key());
                        }
                    }),
            option(TLS, "tls-cert", "FILE",
                    "PEM certificate chain; with --tls-key every listener offers AUTH TLS",
                    (o, v) -> o.tlsCert = Values.existingFile(v)),
            option(TLS, "tls-key", "FILE",
                    "PEM private key, unencrypted: PKCS#8, PKCS#1 (RSA) or SEC1 (EC)",
                    (o, v) -> o.tlsKey = Values.existingFile(v)),
            option(TLS, "tls-keystore", "FILE",
                    "PKCS#12 keystore, instead of --tls-cert and --tls-key",
                    (o, v) -> o.tlsKeyStore = Values.existingFile(v)),
            option(TLS, "tls-keystore-password", "PASSWORD",
                    "the keystore's password (better in the config file than on a command line)",
                    (o, v) -> o.tlsKeyStorePassword = v.toCharArray()),
            flag(TLS, "tls-required",
                    "no login before AUTH TLS (530), no PROT C (534), no data without PROT P (521)",
                    (o, v) -> o.builder.tlsRequired(true)),
            flag(TLS, "tls-require-session-reuse",
                    "PROT P data connections must resume the control connection's TLS session, else 522"
                            + " (off by default: TLS 1.3 and some clients break it)",
                    (o, v) -> o.builder.tlsRequireSessionReuse(true)),
            repeatable(TLS, "tls-sni-cert", "HOSTS=CERT:KEY",
                    "a certificate for clients asking for one of HOSTS by SNI (comma-separated, *.example.org for"
                            + " one label), repeatable; --tls-cert stays the default",
                    (o, v) -> {
                        Values.HostCert hc = Values.hostCert(v);
                        o.builder.tlsHostPem(hc.hosts(), hc.cert(), hc.key());
                    }),
            option(TLS, "tls-protocols", "LIST",
                    "TLS versions offered: TLSv1.2,TLSv1.3 (default) or TLSv1.3 alone; older ones never (RFC 8996)",
                    (o, v) -> o.builder.tlsProtocols(Values.list(v))),
            option(TLS, "tls-ciphers", "LIST",
                    "cipher suites in preference order, IANA names (default: Mozilla intermediate, ECDHE with"
                            + " AES-GCM or ChaCha20-Poly1305; see --check-config)",
                    (o, v) -> o.builder.tlsCipherSuites(Values.list(v))),
            option(TLS, "tls-groups", "LIST",
                    "key exchange groups in preference order (default x25519,secp256r1,secp384r1 on Java 20+,"
                            + " the JDK's on 17)",
                    (o, v) -> o.builder.tlsNamedGroups(Values.list(v))),
            flag(TLS, "tls-strict-upload-eof",
                    "an upload must end with TLS close_notify, else 426 (off by default: wput and others only"
                            + " close the socket; a cut in mid-record is refused either way)",
                    (o, v) -> o.builder.tlsStrictUploadEof(true)),
            option(TLS, "tls-reload-interval", "S",
                    "check the certificate and key files for changes every S seconds and reload them"
                            + " (default 10, 0: only on SIGHUP)",
                    (o, v) -> o.builder.tlsReloadInterval(Values.seconds(v, 0))),
            // --- client certificates and LDAP (issue 15, 16): one block
            option(TLS, "tls-client-auth", "none|want|need",
                    "ask FTPS clients for a certificate on the control connection: want (optional) or need"
                            + " (handshake fails without one); users-file cert-sha256= / cert-subject= log in by it",
                    (o, v) -> o.builder.tlsClientAuth(Values.clientAuth(v))),
            option(TLS, "tls-client-ca", "FILE",
                    "PEM bundle of the CAs client certificates must chain to (default: the JDK's trust store)",
                    (o, v) -> o.builder.tlsClientCa(Values.existingFile(v))),
            option(LDAP, "ldap-url", "URL",
                    "check logins against this directory by binding as the user: ldap://host:389/ or"
                            + " ldaps://host:636/",
                    (o, v) -> o.ldap.url = Values.ldapUrl(v)),
            option(LDAP, "ldap-bind-dn-template", "DN",
                    "the user's DN, {user} for the name: uid={user},ou=people,dc=example,dc=org",
                    (o, v) -> o.ldap.bindDnTemplate = Values.withUser(v)),
            option(LDAP, "ldap-search-base", "DN",
                    "instead of a template: search users under DN (as --ldap-bind-dn, else anonymously),"
                            + " then bind as the entry found",
                    (o, v) -> o.ldap.searchBase = v),
            option(LDAP, "ldap-user-filter", "FILTER",
                    "how the search finds a user (default (uid={user}))",
                    (o, v) -> o.ldap.userFilter = Values.withUser(v)),
            option(LDAP, "ldap-filter", "FILTER",
                    "only entries matching FILTER may log in, e.g. (memberOf=cn=ftp,ou=groups,dc=example,dc=org)",
                    (o, v) -> o.ldap.allowFilter = v),
            option(LDAP, "ldap-bind-dn", "DN",
                    "service account that searches (with --ldap-search-base)",
                    (o, v) -> o.ldap.serviceDn = v),
            option(LDAP, "ldap-bind-password", "PASSWORD",
                    "the service account's password (better: --ldap-bind-password-file)",
                    (o, v) -> o.ldap.servicePassword = v),
            option(LDAP, "ldap-bind-password-file", "FILE",
                    "file whose first line is the service account's password",
                    (o, v) -> o.ldap.servicePassword = Values.firstLine(Values.existingFile(v))),
            flag(LDAP, "ldap-starttls",
                    "StartTLS before binding (ldap:// URLs); the server's certificate is verified",
                    (o, v) -> o.ldap.startTls = true),
            option(LDAP, "ldap-ca", "FILE",
                    "PEM CA certificates for the directory's StartTLS certificate (default: the JDK's)",
                    (o, v) -> o.ldap.ca = Values.existingFile(v)),
            option(LDAP, "ldap-home-attribute", "NAME",
                    "attribute holding the user's home, an absolute path (e.g. homeDirectory)",
                    (o, v) -> o.ldap.homeAttribute = v),
            option(LDAP, "ldap-home-template", "PATH",
                    "home when the entry has none: /srv/ftp/{user} (default: --root)",
                    (o, v) -> o.ldap.homeTemplate = Values.withUser(v)),
            option(LDAP, "ldap-rights-attribute", "NAME",
                    "attribute holding rw or ro (read-write, read-only)",
                    (o, v) -> o.ldap.rightsAttribute = v),
            option(LDAP, "ldap-default-rights", "ro|rw",
                    "rights when the entry states none (default ro)",
                    (o, v) -> o.ldap.writable = Values.rights(v)),
            option(LDAP, "ldap-timeout", "S",
                    "connect and read timeout for each directory call (default 10)",
                    (o, v) -> o.ldap.timeout = Values.seconds(v, 1)),

            option(LOGS, "log-level", "LEVEL",
                    "error|warning|info|debug|trace, lines on stderr (default info)",
                    (o, v) -> o.logLevel = Values.logLevel(v)),
            option(LOGS, "log-format", "FORMAT",
                    "text (one line a record, default) or json (one JSON object a line, for log shippers)",
                    (o, v) -> o.logFormat = Values.logFormat(v)),
            option(LOGS, "xferlog", "FILE",
                    "append each file transfer to FILE in the xferlog format; reopened on SIGHUP",
                    (o, v) -> o.xferlog = Values.newFile(v)),
            option(LOGS, "metrics-listen", "HOST:PORT",
                    "serve Prometheus metrics at http://HOST:PORT/metrics, and who is connected at"
                            + " /sessions and /who (JMX MBeans are always on)",
                    (o, v) -> o.metricsListen = Values.hostPort(v)),
            option(LOGS, "metrics-token", "FILE",
                    "require 'Authorization: Bearer TOKEN' (or Basic with TOKEN as password) on the metrics"
                            + " listener, TOKEN being FILE's first line; without it, /sessions, /who and kick"
                            + " are served on a loopback listener only",
                    (o, v) -> o.metricsToken = Values.existingFile(v)),

            option(ACTIONS, "on-upload", "CMD",
                    "after each completed upload run CMD with /bin/sh -c, the file as $1 and NIOFTPD_PATH,"
                            + " NIOFTPD_VIRTUAL_PATH, NIOFTPD_USER, NIOFTPD_ADDRESS, NIOFTPD_BYTES, NIOFTPD_EVENT in"
                            + " its environment; never for an aborted or failed one",
                    (o, v) -> o.actionCommands.put(Operation.Kind.UPLOAD, Actions.command(v))),
            option(ACTIONS, "on-delete", "CMD",
                    "the same after each delete (DELE)",
                    (o, v) -> o.actionCommands.put(Operation.Kind.DELETE, Actions.command(v))),
            option(ACTIONS, "on-rename", "CMD",
                    "the same after each rename; the new name in NIOFTPD_TARGET_PATH, NIOFTPD_TARGET_VIRTUAL_PATH",
                    (o, v) -> o.actionCommands.put(Operation.Kind.RENAME, Actions.command(v))),
            option(ACTIONS, "on-mkdir", "CMD",
                    "the same after each directory made (MKD)",
                    (o, v) -> o.actionCommands.put(Operation.Kind.MKDIR, Actions.command(v))),
            option(ACTIONS, "action-timeout", "S",
                    "a command still running after S seconds is killed, with every process it started"
                            + " (default 60)",
                    (o, v) -> o.actionTimeout = Values.seconds(v, 1)),
            option(ACTIONS, "action-concurrency", "N",
                    "commands running at once (default 2)",
                    (o, v) -> o.actionConcurrency = Values.positiveInt(v, 1024)),
            option(ACTIONS, "action-queue", "N",
                    "commands, and webhook events, waiting at most; more are dropped, logged and counted"
                            + " (default 1000)",
                    (o, v) -> o.actionQueue = Values.positiveInt(v, 1_000_000)),
            option(ACTIONS, "webhook", "URL",
                    "POST each operation of --webhook-events to URL as a JSON object",
                    (o, v) -> o.webhook = Webhook.url(v)),
            option(ACTIONS, "webhook-events", "LIST",
                    "which operations, comma-separated: all, or some of login, logout, list, download, upload,"
                            + " delete, mkdir, rmdir, rename, chmod, mfmt, site (default upload)",
                    (o, v) -> o.webhookEvents = Webhook.kinds(v)),
            option(ACTIONS, "webhook-retries", "N",
                    "retries of a failed POST (no answer, or a status other than 2xx), waiting 1, 2, 4... s"
                            + " between them (default 3)",
                    (o, v) -> o.webhookRetries = Values.intRange(v, 0, 100)),

            commandLine("config", "FILE",
                    "read options from FILE, one 'name = value' a line; the command line overrides it",
                    (o, v) -> o.config = v),
            commandLine("check-config", null,
                    "check the options, config file and users file, print 'configuration OK' and exit",
                    (o, v) -> o.checkConfig = true),
            commandLine("help", null,
                    "print this help and exit",
                    (o, v) -> o.help = true),
            commandLine("version", null,
                    "print the version and exit",
                    (o, v) -> o.version = true));

    private static final Map<String, Option> BY_NAME = new LinkedHashMap<>();

    static {
        TABLE.forEach(opt -> BY_NAME.put(opt.name(), opt));
    }

    /** After an unknown option: where the known ones are. */
    static final String SEE_HELP = " (java -jar nioftpd.jar --help lists the options)";

    static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);

    // ------------------------------------------------------------ parsed state

    private final FtpServer.Builder builder = FtpServer.builder();
    // What the startup line and the daemon need; the builder has no getters.
    private Path root = Path.of("").toAbsolutePath();
    private final List<User> users = new ArrayList<>();
    private final List<InetSocketAddress> listen = new ArrayList<>();
    private final List<InetSocketAddress> implicitTlsListen = new ArrayList<>();
    private String dotFiles = "none";
    private final List<String> hide = new ArrayList<>();
    private final List<String> deny = new ArrayList<>();
    private final List<String> banExempt = new ArrayList<>();
    private boolean passiveAddressGiven;
    /** Listeners named after '@' by a per-listener option, and the first option that named each. */
    private final Map<InetSocketAddress, String> perListener = new LinkedHashMap<>();
    private Path usersFile;
    private boolean anonymous;
    private Path anonymousRoot;
    private String anonymousUploadDir;
    private long downloadRate;
    private long uploadRate;
    private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
    private Values.LogLevel logLevel = Values.LogLevel.INFO;
    private Logging.Format logFormat = Logging.Format.TEXT;
    private Path xferlog;
    private InetSocketAddress metricsListen;
    private final Map<Operation.Kind, String> actionCommands = new java.util.EnumMap<>(Operation.Kind.class);
    private Duration actionTimeout = Duration.ofSeconds(60);
    private int actionConcurrency = 2;
    private int actionQueue = 1000;
    private java.net.URI webhook;
    private Set<Operation.Kind> webhookEvents = java.util.EnumSet.of(Operation.Kind.UPLOAD);
    private int webhookRetries = 3;
    private Path metricsToken;
    private Path tlsCert;
    private Path tlsKey;
    private Path tlsKeyStore;
    private char[] tlsKeyStorePassword;
    private int loops = Runtime.getRuntime().availableProcessors();
    private String config;
    private boolean checkConfig;
    private boolean help;
    private boolean version;
    private Logins logins;
    /** mount, rights and quota lines: every user's, under each user's own (users file). */
    private FolderPolicy folders = FolderPolicy.NONE;
    /** The --ldap-* options, turned into an authenticator by {@link #finish}. */
    private final LdapOptions ldap = new LdapOptions();

    private static final class LdapOptions {
        String url;
        String bindDnTemplate;
        String searchBase;
        String userFilter;
        String allowFilter;
        String serviceDn;
        String servicePassword;
        boolean startTls;
        Path ca;
        String homeAttribute;
        String homeTemplate;
        String rightsAttribute;
        boolean writable;
        Duration timeout = Duration.ofSeconds(10);
    }
    /** For each option applied, where its value came from: "--root" or "nioftpd.conf:3: root". */
    private final Map<Option, String> origins = new HashMap<>();
    /** The --on-... commands given on the command line: a SIGHUP re-reads the config file's under them. */
    private final Map<Operation.Kind, String> commandLineActions = new java.util.EnumMap<>(Operation.Kind.class);

    /** The options that set an action, and the operation each is for. */
    private static final Map<String, Operation.Kind> ACTION_OPTIONS = Map.of("on-upload", Operation.Kind.UPLOAD,
            "on-delete", Operation.Kind.DELETE, "on-rename", Operation.Kind.RENAME, "on-mkdir", Operation.Kind.MKDIR);

    private Options() {
    }

    /** One option as given: on the command line ({@code file == null}) or on a line of a config file. */
    private record Setting(Option option, String value, String file, int line) {
        /** What an error message starts with: {@code --root} or {@code nioftpd.conf:3: root}. */
        String origin() {
            return file == null ? "--" + option.name() : file + ":" + line + ": " + option.name();
        }
    }

    /**
     * Parses the command line and the config file it names (if any), then
     * checks the whole: the first problem found is the error. The command
     * line overrides the file; a repeatable option given on the command line
     * replaces all of the file's values for it.
     */
    static Options parse(String... args) throws UsageError {
        List<Setting> commandLine = scan(args);
        Options o = new Options();
        List<Setting> all = new ArrayList<>();
        String config = null;
        for (Setting s : commandLine) {
            if (s.option().name().equals("config")) {
                config = s.value();
            }
        }
        if (config != null) {
            Set<Option> overridden = new HashSet<>();
            commandLine.forEach(s -> overridden.add(s.option()));
            for (Setting s : ConfigFile.read(config)) {
                if (!overridden.contains(s.option())) {
                    all.add(s);
                }
            }
        }
        all.addAll(commandLine);
        for (Setting s : all) {
            try {
                s.option().setter().apply(o, s.value());
            } catch (BadValue | IllegalArgumentException e) {
                throw new UsageError(s.origin() + ": " + e.getMessage());
            }
            o.origins.put(s.option(), s.origin());
        }
        for (Setting s : commandLine) {
            Operation.Kind kind = ACTION_OPTIONS.get(s.option().name());
            if (kind != null) {
                o.commandLineActions.put(kind, o.actionCommands.get(kind));
            }
        }
        if (!o.help && !o.version) {
            o.finish();
        }
        return o;
    }

    /** The command line, checked for syntax only: known names, values present, no repeats. */
    private static List<Setting> scan(String[] args) throws UsageError {
        List<Setting> settings = new ArrayList<>();
        Set<Option> seen = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            // No positional arguments, so "--" (end of options) has nothing to end: unknown too.
            if (arg.equals("-h")) {
                arg = "--help";
            }
            if (!arg.startsWith("--") || arg.equals("--")) {
                throw new UsageError((arg.startsWith("-") && arg.length() > 1
                        ? "unknown option " + Values.quote(arg)
                        : "unexpected argument " + Values.quote(arg)) + SEE_HELP);
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            Option opt = BY_NAME.get(name);
            if (opt == null) {
                throw new UsageError("unknown option " + Values.quote("--" + name) + SEE_HELP);
            }
            String value = null;
            if (opt.isFlag()) {
                if (eq >= 0) {
                    throw new UsageError("--" + name + ": takes no value");
                }
            } else if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageError("--" + name + ": missing " + opt.argName());
            }
            if (!seen.add(opt) && !opt.repeatable()) {
                throw new UsageError("--" + name + ": given more than once");
            }
            settings.add(new Setting(opt, value, null, 0));
        }
        return settings;
    }

    /**
     * A config file: {@code name = value} or {@code name value} a line, names
     * as the long options without their dashes; {@code #} starts a comment
     * line; a flag takes {@code true} or {@code false}; a repeatable option
     * may repeat, no other may.
     */
    static final class ConfigFile {
        private ConfigFile() {
        }

        private static List<Setting> read(String file) throws UsageError {
            List<String> lines;
            try {
                lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new UsageError("--config: no such file: " + Values.quote(file));
            } catch (AccessDeniedException e) {
                throw new UsageError("--config: permission denied: " + Values.quote(file));
            } catch (CharacterCodingException e) {
                throw new UsageError("--config: not UTF-8 text: " + Values.quote(file));
            } catch (IOException | InvalidPathException e) {
                throw new UsageError("--config: cannot read " + Values.quote(file) + ": " + e.getMessage());
            }
            List<Setting> settings = new ArrayList<>();
            Set<Option> seen = new HashSet<>();
            for (int i = 0; i < lines.size(); i++) {
                Setting s = line(file, i + 1, lines.get(i));
                if (s == null) {
                    continue;
                }
                if (!seen.add(s.option()) && !s.option().repeatable()) {
                    throw new UsageError(s.origin() + ": given more than once");
                }
                if (s.option().isFlag() && s.value() == null) {
                    continue; // "flag = false": as if absent
                }
                settings.add(s);
            }
            return settings;
        }

        /** One line: null if blank or a comment. */
        private static Setting line(String file, int number, String text) throws UsageError {
            String line = text.strip();
            if (number == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip(); // a byte order mark from a Windows editor
            }
            if (line.isEmpty() || line.startsWith("#")) {
                return null;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '=' && !Character.isWhitespace(line.charAt(end))) {
                end++;
            }
            String name = line.substring(0, end);
            String value = line.substring(end).stripLeading();
            if (value.startsWith("=")) {
                value = value.substring(1).stripLeading();
            }
            String where = file + ":" + number + ": ";
            if (name.isEmpty()) {
                throw new UsageError(where + "expected 'name = value'");
            }
            Option opt = BY_NAME.get(name);
            if (opt == null) {
                throw new UsageError(where + name + ": unknown option"
                        + (name.startsWith("-") ? " (write names without '--')" : ""));
            }
            if (opt.scope() == Scope.COMMAND_LINE) {
                throw new UsageError(where + name + ": only on the command line");
            }
            if (opt.isFlag()) {
                try {
                    return new Setting(opt, Values.bool(value) ? "" : null, file, number);
                } catch (BadValue e) {
                    throw new UsageError(where + name + ": " + e.getMessage());
                }
            }
            if (value.isEmpty()) {
                throw new UsageError(where + name + ": missing " + opt.argName());
            }
            return new Setting(opt, value, file, number);
        }
    }

    private void passiveAddress(String value) throws BadValue {
        int at = value.lastIndexOf('@');
        if (at >= 0) {
            InetSocketAddress listener = Values.hostPort(value.substring(at + 1));
            builder.passiveAddresses(listener, value.substring(0, at));
            perListener.putIfAbsent(listener, "passive-address");
            return;
        }
        if (passiveAddressGiven) {
            throw new BadValue("given more than once for all listeners (several networks go in one value:"
                    + " CIDR=ADDR,CIDR=ADDR)");
        }
        passiveAddressGiven = true;
        builder.passiveAddresses(value);
    }

    private void banExempt(String value) {
        banExempt.addAll(List.of(value.split(",", -1)));
        builder.banExempt(banExempt.stream().map(String::strip).toArray(String[]::new));
    }

    private void addressRule(String value, boolean allow) throws BadValue {
        int at = value.lastIndexOf('@');
        String[] networks = (at < 0 ? value : value.substring(0, at)).split(",", -1);
        for (int i = 0; i < networks.length; i++) {
            networks[i] = networks[i].strip();
        }
        if (at < 0) {
            if (allow) {
                builder.allowFrom(networks);
            } else {
                builder.denyFrom(networks);
            }
            return;
        }
        InetSocketAddress listener = Values.hostPort(value.substring(at + 1));
        perListener.putIfAbsent(listener, allow ? "allow-from" : "deny-from");
        if (allow) {
            builder.allowFrom(listener, networks);
        } else {
            builder.denyFrom(listener, networks);
        }
    }

    private static FtpServer.BanMode banMode(String v) throws BadValue {
        return switch (v) {
            case "address" -> FtpServer.BanMode.ADDRESS;
            case "address-and-user" -> FtpServer.BanMode.ADDRESS_AND_USER;
            default -> throw new BadValue("expected address or address-and-user: " + Values.quote(v));
        };
    }

    private <T> T add(List<T> list, T value) {
        list.add(value);
        return value;
    }

    private void dotFiles(String who) {
        dotFiles = who;
        builder.allowDotFiles(!who.equals("none"), who.equals("all"));
    }

    /** The name rules in words, for the start: {@code dot files hidden and refused to everyone}. */
    String namePolicyText() {
        StringBuilder sb = new StringBuilder(switch (dotFiles) {
            case "users" -> "dot files open to named users, hidden and refused to anonymous";
            case "all" -> "dot files served to everyone";
            default -> "dot files hidden and refused to everyone (--dot-files)";
        });
        if (!hide.isEmpty()) {
            sb.append("; hidden: ").append(String.join(" ", hide));
        }
        if (!deny.isEmpty()) {
            sb.append("; refused: ").append(String.join(" ", deny));
        }
        return sb.toString();
    }

    private void addUser(User u) throws BadValue {
        if (users.stream().anyMatch(other -> other.name().equals(u.name()))) {
            throw new BadValue("user " + Values.quote(u.name()) + " given twice");
        }
        users.add(u);
    }

    /** What needs more than one option: logins, the drop box, the rates. */
    private void finish() throws UsageError {
        for (String name : List.of("webhook-events", "webhook-retries")) {
            if (webhook == null && origins.containsKey(BY_NAME.get(name))) {
                throw new UsageError(origin(name) + ": needs --webhook");
            }
        }
        builder.bandwidth(downloadRate, uploadRate);
        for (Map.Entry<InetSocketAddress, String> e : perListener.entrySet()) {
            if (!listen().contains(e.getKey()) && !implicitTlsListen.contains(e.getKey())) {
                throw new UsageError(origin(e.getValue()) + ": @" + Logging.address(e.getKey())
                        + " is not a --listen or --implicit-tls-listen address");
            }
        }
        tls();
        Path anonRoot = anonymous() ? (anonymousRoot != null ? anonymousRoot : root) : null;
        if (anonymousUploadDir != null) {
            Path real = anonRoot.resolve(anonymousUploadDir.substring(1)).normalize();
            if (!real.startsWith(anonRoot) || !Files.isDirectory(real)) {
                throw new UsageError(origin("anonymous-upload-dir") + ": no directory "
                        + Values.quote(anonymousUploadDir) + " in " + anonRoot);
            }
        }
        try {
            logins = new Logins(users, root, anonRoot, anonymousUploadDir, usersFile);
        } catch (IllegalArgumentException e) {
            throw new UsageError(origin("users") + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UsageError(origin("users") + ": cannot read " + Values.quote(usersFile.toString()) + ": "
                    + Daemon.reason(e));
        }
        try {
            folders.check();
        } catch (IllegalArgumentException e) {
            throw new UsageError(origin("quota") + ": " + e.getMessage());
        }
        boolean onCommandLine = false;
        for (String n : List.of("mount", "rights", "quota")) {
            String from = origins.get(BY_NAME.get(n));
            onCommandLine |= from != null && from.startsWith("--");
        }
        boolean fromFile = config != null && !onCommandLine;
        logins.folders(folders, fromFile ? config : null);
        if (ldap.url != null) {
            logins.ldap(ldapAuthenticator());
        } else {
            for (Map.Entry<Option, String> given : origins.entrySet()) {
                if (given.getKey().name().startsWith("ldap-")) {
                    throw new UsageError(given.getValue() + ": needs --ldap-url");
                }
            }
        }
        builder.authenticator(logins);
    }

    /** A mount line, its directory checked to exist now (a mount of nothing would only show at login). */
    static FolderPolicy mount(FolderPolicy folders, String value) throws BadValue {
        FolderPolicy next = folders.with("mount", value);
        for (Map.Entry<String, Path> m : next.mounts().entrySet()) {
            if (!Files.isDirectory(m.getValue())) {
                throw new BadValue("not a directory: " + Values.quote(m.getValue().toString()));
            }
        }
        return next;
    }

    /**
     * The mount, rights and quota lines of a config file (SIGHUP re-reads
     * them for new sessions): a bad line is an error naming its file and line.
     */
    static FolderPolicy foldersFrom(String configFile) throws UsageError {
        FolderPolicy f = FolderPolicy.NONE;
        for (Setting s : ConfigFile.read(configFile)) {
            String name = s.option().name();
            try {
                if (name.equals("mount")) {
                    f = mount(f, s.value());
                } else if (name.equals("rights") || name.equals("quota")) {
                    f = f.with(name, s.value());
                }
            } catch (BadValue | IllegalArgumentException e) {
                throw new UsageError(s.origin() + ": " + e.getMessage());
            }
        }
        try {
            return f.check();
        } catch (IllegalArgumentException e) {
            throw new UsageError(configFile + ": " + e.getMessage());
        }
    }

    /** Whether a SIGHUP has a config file to re-read the --on-... lines from. */
    boolean reloadsActions() {
        return config != null;
    }

    /**
     * SIGHUP: the --on-... commands again, the config file's lines under the
     * command line's (which win, as at start). An error names its file:line,
     * and the caller keeps the commands it had.
     */
    Map<Operation.Kind, String> reloadActions() throws UsageError {
        Map<Operation.Kind, String> m = new java.util.EnumMap<>(Operation.Kind.class);
        if (config != null) {
            for (Setting s : ConfigFile.read(config)) {
                Operation.Kind kind = ACTION_OPTIONS.get(s.option().name());
                if (kind != null) {
                    try {
                        m.put(kind, Actions.command(s.value()));
                    } catch (BadValue e) {
                        throw new UsageError(s.origin() + ": " + e.getMessage());
                    }
                }
            }
        }
        m.putAll(commandLineActions);
        return m;
    }

    /** The server-wide folder lines (for --check-config and the startup line). */
    FolderPolicy folders() {
        return folders;
    }

    private Authenticator ldapAuthenticator() throws UsageError {
        try {
            LdapAuthenticator.Builder b = LdapAuthenticator.builder(ldap.url)
                    .bindDnTemplate(ldap.bindDnTemplate)
                    .searchBase(ldap.searchBase)
                    .allowFilter(ldap.allowFilter)
                    .startTls(ldap.startTls)
                    .caFile(ldap.ca)
                    .homeAttribute(ldap.homeAttribute)
                    .homeTemplate(ldap.homeTemplate)
                    .defaultHome(root)
                    .rightsAttribute(ldap.rightsAttribute)
                    .defaultWritable(ldap.writable)
                    .timeouts(ldap.timeout, ldap.timeout);
            if (ldap.userFilter != null) {
                b.userFilter(ldap.userFilter);
            }
            if (ldap.serviceDn != null || ldap.servicePassword != null) {
                b.serviceAccount(ldap.serviceDn, ldap.servicePassword);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new UsageError(origin("ldap-url") + ": " + e.getMessage());
        }
    }

    /** The TLS key: a PEM pair or a PKCS#12 keystore, never both. The files are read at build(). */
    private void tls() throws UsageError {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new UsageError(origin(tlsCert == null ? "tls-key" : "tls-cert") + ": --tls-cert and --tls-key go together");
        }
        if (tlsKeyStore != null && tlsCert != null) {
            throw new UsageError(origin("tls-keystore") + ": give --tls-keystore or --tls-cert/--tls-key, not both");
        }
        if ((tlsKeyStore == null) != (tlsKeyStorePassword == null)) {
            throw new UsageError(origin(tlsKeyStore == null ? "tls-keystore-password" : "tls-keystore")
                    + ": --tls-keystore and --tls-keystore-password go together");
        }
        try {
            if (tlsCert != null) {
                builder.tlsPem(tlsCert, tlsKey);
            } else if (tlsKeyStore != null) {
                builder.tlsKeyStore(tlsKeyStore, tlsKeyStorePassword);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageError(origin(tlsCert != null ? "tls-cert" : "tls-keystore") + ": " + e.getMessage());
        }
    }

    private String origin(String name) {
        return origins.getOrDefault(BY_NAME.get(name), "--" + name);
    }

    /** The --help text, generated from {@link #TABLE}. */
    static String helpText() {
        int column = 28;
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: java -jar nioftpd.jar [OPTION]...\n");
        sb.append("       java -jar nioftpd.jar hash-password    (password on stdin, hash out)\n");
        sb.append("       java -jar nioftpd.jar who              (who is connected; who --help)\n");
        sb.append("       java -jar nioftpd.jar kick ID|USER|IP  (end those sessions)\n");
        sb.append("       java -jar nioftpd.jar ban|unban NETWORK, bans  (manual bans; ban --help)\n");
        sb.append("Serve a directory over FTP. With no option: the current directory,\n");
        sb.append("read-only to anonymous, on 127.0.0.1:2121.\n");
        String group = null;
        for (Option opt : TABLE) {
            if (!opt.group().equals(group)) {
                group = opt.group();
                sb.append('\n').append(group).append('\n');
            }
            String left = "  " + opt.synopsis();
            sb.append(left);
            if (left.length() + 2 > column) {
                sb.append('\n').append(" ".repeat(column));
            } else {
                sb.append(" ".repeat(column - left.length()));
            }
            sb.append(wrap(opt.help(), 79 - column, column)).append('\n');
        }
        sb.append("\nSIGTERM or Ctrl-C stops accepting, lets transfers finish for --shutdown-grace,\n");
        sb.append("then exits 0 (a second signal stops at once). SIGHUP re-reads --users and\n");
        sb.append("reopens --xferlog. In a config file, a flag is 'name = true'.\n");
        return sb.toString();
    }

    /** Word-wraps to {@code width} columns; lines after the first are indented by {@code indent}. */
    private static String wrap(String text, int width, int indent) {
        StringBuilder out = new StringBuilder();
        int lineLength = 0;
        for (String word : text.split(" ")) {
            if (lineLength > 0 && lineLength + 1 + word.length() > width) {
                out.append('\n').append(" ".repeat(indent));
                lineLength = 0;
            } else if (lineLength > 0) {
                out.append(' ');
                lineLength++;
            }
            out.append(word);
            lineLength += word.length();
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- results

    /** The configured builder; a caller (a test) may add to it before {@code build()}. */
    FtpServer.Builder builder() {
        return builder;
    }

    Path root() {
        return root;
    }

    /** The plain listeners as given; 127.0.0.1:2121 when none is (and no implicit TLS one either). */
    List<InetSocketAddress> listen() {
        if (listen.isEmpty() && implicitTlsListen.isEmpty()) {
            return List.of(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 2121));
        }
        return List.copyOf(listen);
    }

    List<InetSocketAddress> implicitTlsListen() {
        return List.copyOf(implicitTlsListen);
    }

    List<User> users() {
        return List.copyOf(users);
    }

    /**
     * Whether anonymous may log in: asked for (or implied by an anonymous
     * option), or because no user is given at all.
     */
    boolean anonymous() {
        return anonymous || anonymousRoot != null || anonymousUploadDir != null
                || users.isEmpty() && usersFile == null && ldap.url == null;
    }

    /** Everyone who may log in; null only after --help or --version. */
    Logins logins() {
        return logins;
    }

    String anonymousUploadDir() {
        return anonymousUploadDir;
    }

    Path anonymousRoot() {
        return anonymousRoot != null ? anonymousRoot : root;
    }

    long downloadRate() {
        return downloadRate;
    }

    long uploadRate() {
        return uploadRate;
    }

    Duration shutdownGrace() {
        return shutdownGrace;
    }

    Values.LogLevel logLevel() {
        return logLevel;
    }

    Logging.Format logFormat() {
        return logFormat;
    }

    Path xferlog() {
        return xferlog;
    }

    InetSocketAddress metricsListen() {
        return metricsListen;
    }

    /** The --on-... commands, by kind; empty for none. */
    Map<Operation.Kind, String> actionCommands() {
        return Map.copyOf(actionCommands);
    }

    Duration actionTimeout() {
        return actionTimeout;
    }

    int actionConcurrency() {
        return actionConcurrency;
    }

    int actionQueue() {
        return actionQueue;
    }

    /** --webhook, or null. */
    java.net.URI webhook() {
        return webhook;
    }

    Set<Operation.Kind> webhookEvents() {
        return webhookEvents;
    }

    int webhookRetries() {
        return webhookRetries;
    }

    /** The file whose first line is the metrics listener's bearer token, or null. */
    Path metricsToken() {
        return metricsToken;
    }

    boolean checkConfig() {
        return checkConfig;
    }

    int loops() {
        return loops;
    }

    boolean help() {
        return help;
    }

    boolean version() {
        return version;
    }
}

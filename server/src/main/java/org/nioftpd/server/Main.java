package org.nioftpd.server;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.nioftpd.FtpServer;
import org.nioftpd.auth.PasswordHash;

/**
 * The daemon: {@code java -jar nioftpd.jar [OPTION]...}, and the admin
 * subcommands {@code hash-password}, {@code who} and {@code kick}. Exit status 0 after --help,
 * --version, --check-config or a clean stop (SIGTERM, Ctrl-C); 2 for a bad
 * command line or configuration; 1 when the server cannot start (a port in use).
 */
public final class Main {

    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    /** Used when not running from the jar, whose manifest carries the real version. */
    static final String FALLBACK_VERSION = "0.1.0-SNAPSHOT";

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
        // Status 0: the loops have stopped, so the JVM ends when main returns.
    }

    /** Runs the daemon until SIGTERM or Ctrl-C; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals(HASH_PASSWORD)) {
            return hashPassword(Arrays.copyOfRange(args, 1, args.length), System.console(), System.in, out, err);
        }
        if (args.length > 0 && Admin.handles(args[0])) {
            return Admin.run(args, out, err);
        }
        return run(args, out, err, new UntilSignal());
    }

    /**
     * What {@link #run} does while the server is up: the daemon waits for a
     * signal; a test drives the server and returns.
     */
    @FunctionalInterface
    interface Serving {
        /**
         * Before the server starts, before its first connection is accepted
         * and before anything is logged about it: the daemon installs its
         * signal handlers here, so that no signal finds the JVM's default
         * handler (exit 143) once anyone could know the server is up.
         */
        default void beforeStart() {
        }

        /**
         * After start, before the startup line: whoever reads that line
         * (a supervisor, a test) may signal the process right away.
         */
        default void prepare(Daemon daemon) {
        }

        /** Returns when the server should stop; {@link #run} then stops it gracefully. */
        void serve(FtpServer server);

        /** The longest {@link #run} waits for running transfers after {@link #serve} returns. */
        default Duration grace(Duration configured) {
            return configured;
        }
    }

    /**
     * Parses {@code args}, starts the server, hands it to {@code serving} and
     * stops it, gracefully, when that returns.
     */
    static int run(String[] args, PrintStream out, PrintStream err, Serving serving) {
        // One-line records from the start: reading the users file may warn before --log-level is known.
        Logging.configure(Values.LogLevel.INFO, err);
        Options options;
        try {
            options = Options.parse(args);
        } catch (Options.UsageError e) {
            err.println("nioftpd: " + e.getMessage());
            return 2;
        }
        if (options.help()) {
            out.print(Options.helpText());
            out.flush();
            return 0;
        }
        if (options.version()) {
            out.println("nioftpd " + version());
            out.flush();
            return 0;
        }
        if (options.checkConfig()) {
            List<String> tlsLines;
            try {
                // build() reads what the options only name: the TLS key and certificate
                FtpServer built = options.builder().build();
                tlsLines = built.tlsDescription();
                built.close();
            } catch (IllegalArgumentException e) {
                err.println("nioftpd: " + e.getMessage());
                err.flush();
                return 2;
            }
            // then what the start would refuse, or the first login would meet, as this user
            List<Preflight.Problem> problems = new ArrayList<>(Preflight.run(options, true));
            rootWarnings(options).forEach(w -> problems.add(new Preflight.Problem(Preflight.Severity.WARNING, w)));
            problems.forEach(p -> err.println("nioftpd: " + p));
            err.flush();
            long errors = problems.stream().filter(p -> p.severity() == Preflight.Severity.ERROR).count();
            if (errors > 0) {
                err.println("nioftpd: configuration not OK: " + errors + (errors == 1 ? " error" : " errors"));
                err.flush();
                return 2;
            }
            tlsLines.forEach(l -> out.println("tls: " + l));
            out.println("configuration OK");
            out.flush();
            return 0;
        }
        Logging.configure(options.logLevel(), options.logFormat(), err);
        serving.beforeStart();
        for (Preflight.Problem p : Preflight.run(options, false)) {
            LOG.log(p.severity() == Preflight.Severity.ERROR ? System.Logger.Level.ERROR
                    : System.Logger.Level.WARNING, p.text());
        }
        rootWarnings(options).forEach(w -> LOG.log(System.Logger.Level.WARNING, w));
        Daemon daemon;
        try {
            daemon = Daemon.start(options);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            err.println("nioftpd: " + Logging.readableAddresses(String.valueOf(e.getMessage())));
            return 1;
        }
        try {
            serving.prepare(daemon);
            LOG.log(System.Logger.Level.INFO, served(options));
            out.println(startupLine(options, daemon.server(), daemon.metricsAddress()));
            out.flush();
            serving.serve(daemon.server());
        } finally {
            daemon.shutdown(serving.grace(options.shutdownGrace()));
        }
        return 0;
    }

    /** Builds and starts the daemon {@code options} describe (tests). */
    static Daemon start(Options options) throws IOException {
        return Daemon.start(options);
    }

    /** {@code nioftpd 0.1.0 listening on 127.0.0.1:2121 (root /x, anonymous read-only, 2 loops)}. */
    static String startupLine(Options options, FtpServer server) {
        return startupLine(options, server, null);
    }

    /** The same, with {@code metrics http://127.0.0.1:2122/metrics} before the loops when metrics are served. */
    static String startupLine(Options options, FtpServer server, java.net.InetSocketAddress metrics) {
        String addresses = java.util.stream.Stream.concat(
                server.addresses().stream().map(Values::format),
                server.implicitTlsAddresses().stream().map(a -> Values.format(a) + " (implicit FTPS)"))
                .collect(Collectors.joining(", "));
        int users = options.logins().size();
        StringBuilder sb = new StringBuilder("nioftpd ").append(version())
                .append(" listening on ").append(addresses)
                .append(" (root ").append(options.root());
        if (users > 0) {
            sb.append(", ").append(users).append(users == 1 ? " user" : " users");
        }
        if (!options.anonymous()) {
            sb.append(", anonymous off");
        } else {
            sb.append(", anonymous read-only");
            if (!options.anonymousRoot().equals(options.root())) {
                sb.append(" in ").append(options.anonymousRoot());
            }
            if (options.anonymousUploadDir() != null) {
                sb.append(" with uploads to ").append(options.anonymousUploadDir());
            }
        }
        if (server.tlsEnabled()) {
            sb.append(", AUTH TLS");
        }
        if (metrics != null) {
            sb.append(", metrics http://").append(Logging.address(metrics)).append("/metrics");
        }
        int loops = server.loopStats().size();
        sb.append(", ").append(loops).append(loops == 1 ? " loop)" : " loops)");
        return sb.toString();
    }

    /**
     * What is served to whom, in one line: each root, who sees it and how,
     * and the dot-file policy.
     */
    static String served(Options o) {
        List<String> parts = new ArrayList<>();
        List<Values.User> users = o.users();
        if (!users.isEmpty()) {
            long rw = users.stream().filter(Values.User::writable).count();
            parts.add(o.root() + " to " + users.size() + (users.size() == 1 ? " --user" : " --users")
                    + (rw == users.size() ? " (read-write)" : rw == 0 ? " (read-only)"
                    : " (" + rw + " read-write, " + (users.size() - rw) + " read-only)"));
        }
        if (o.logins().hasUsersFile()) {
            parts.add("each account of " + o.logins().usersPath() + " its home");
        }
        if (o.logins().hasLdap()) {
            parts.add("each account of " + o.logins().ldapDescription() + " its home");
        }
        if (o.anonymous()) {
            parts.add(o.anonymousRoot() + " to anonymous (read-only" + (o.anonymousUploadDir() != null
                    ? ", uploads to " + o.anonymousUploadDir() + ")" : ")"));
        }
        return "serving " + (parts.isEmpty() ? "no one" : String.join("; ", parts)) + "; " + o.namePolicyText();
    }

    /**
     * Warnings for a root that is likely a mistake: a home directory (keys,
     * shell history, mail) or the whole file system.
     */
    static List<String> rootWarnings(Options o) {
        List<String> warnings = new ArrayList<>();
        java.util.Set<java.nio.file.Path> roots = new java.util.LinkedHashSet<>();
        if (!o.users().isEmpty() || o.anonymous() && o.anonymousRoot().equals(o.root())) {
            roots.add(o.root());
        }
        if (o.anonymous()) {
            roots.add(o.anonymousRoot());
        }
        java.nio.file.Path home = null;
        try {
            home = java.nio.file.Path.of(System.getProperty("user.home", "")).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException ignored) {
            // no home to compare with
        }
        for (java.nio.file.Path root : roots) {
            if (root.getFileSystem() != java.nio.file.FileSystems.getDefault()) {
                continue; // a bucket or an archive is "/" of its own file system, not the machine's
            }
            String who = o.anonymous() && root.equals(o.anonymousRoot()) ? " (to anonymous)" : "";
            if (root.getParent() == null) {
                warnings.add("the root is " + root + ", the whole file system" + who
                        + ": serve a directory made for FTP (--root)");
            } else if (root.equals(home) || root.getParent().equals(java.nio.file.Path.of("/home"))
                    || root.equals(java.nio.file.Path.of("/root"))) {
                warnings.add("the root is a home directory, " + root + who
                        + ": serve a directory made for FTP (--root)");
            }
        }
        return warnings;
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : FALLBACK_VERSION;
    }

    // ------------------------------------------------------------ hash-password

    static final String HASH_PASSWORD = "hash-password";

    /**
     * {@code hash-password}: reads a password and prints its PBKDF2 hash, for
     * a users file. From a terminal it asks twice without echo; otherwise it
     * takes the first line of stdin ({@code echo pw | ... hash-password}).
     * Exit 0, or 2 for an empty password, a mismatch or an argument.
     */
    static int hashPassword(String[] args, Console console, InputStream in, PrintStream out, PrintStream err) {
        if (args.length > 0) {
            err.println("nioftpd: " + HASH_PASSWORD + ": takes no argument (the password is read from stdin)");
            return 2;
        }
        char[] password;
        if (console != null) {
            password = console.readPassword("Password: ");
            char[] again = password == null ? null : console.readPassword("Again: ");
            if (password != null && again != null && !Arrays.equals(password, again)) {
                Arrays.fill(password, '\0');
                Arrays.fill(again, '\0');
                err.println("nioftpd: " + HASH_PASSWORD + ": the passwords differ");
                return 2;
            }
            if (again != null) {
                Arrays.fill(again, '\0');
            }
        } else {
            password = firstLine(in);
        }
        if (password == null || password.length == 0) {
            err.println("nioftpd: " + HASH_PASSWORD + ": empty password");
            return 2;
        }
        try {
            out.println(PasswordHash.create(password));
            out.flush();
        } finally {
            Arrays.fill(password, '\0');
        }
        return 0;
    }

    /** The first line of {@code in}, without its line break; null at once at end of input. */
    private static char[] firstLine(InputStream in) {
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line = r.readLine();
            return line == null ? null : line.toCharArray();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The daemon: serves until SIGTERM or Ctrl-C, which release the main
     * thread so that it stops the server gracefully and exits 0 (see
     * {@link Signals}); a second one during the grace period stops at once.
     * SIGHUP reloads. The shutdown hook covers every other way the JVM may
     * end (System.exit elsewhere, a JVM run with -Xrs): it closes the server itself.
     */
    private static final class UntilSignal implements Serving {
        private final CountDownLatch stop = new CountDownLatch(1);
        private final AtomicInteger signals = new AtomicInteger();
        /** Set once the daemon has started; a signal before that only counts. */
        private volatile Daemon daemon;

        @Override
        public void beforeStart() {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                Daemon d = daemon;
                if (d != null) {
                    d.close();
                }
                stop.countDown();
            }, "nioftpd-shutdown"));
            Signals.onTerminate(() -> {
                if (signals.getAndIncrement() == 0) {
                    stop.countDown();
                } else {
                    Daemon d = daemon;
                    LOG.log(System.Logger.Level.WARNING, "second signal: stopping now");
                    if (d != null) {
                        d.close();
                    }
                }
            });
            // During the start, SIGHUP has nothing to reload: the files are being read for the first time.
            if (!Signals.onHangup(() -> {
                Daemon d = daemon;
                if (d != null) {
                    d.reloadTls();
                    d.reload();
                }
            })) {
                LOG.log(System.Logger.Level.WARNING, "no SIGHUP handler: reloading the users file needs a restart");
            }
        }

        @Override
        public void prepare(Daemon started) {
            this.daemon = started;
            if (signals.get() > 1) {
                started.close(); // two signals during the start: stop at once
            }
        }

        @Override
        public void serve(FtpServer server) {
            boolean interrupted = false;
            while (true) {
                try {
                    stop.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

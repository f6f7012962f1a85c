package org.nioftpd.server;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.nioftpd.FtpServer;

/**
 * The daemon: {@code java -jar nioftpd.jar [OPTION]...}. Exit status 0 after
 * --help, --version or a clean stop (SIGTERM, Ctrl-C); 2 for a bad command
 * line; 1 when the server cannot start (a port in use).
 */
public final class Main {

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
        return run(args, out, err, new UntilSignal());
    }

    /**
     * What {@link #run} does while the server is up: the daemon waits for a
     * signal; a test drives the server and returns.
     */
    @FunctionalInterface
    interface Serving {
        /**
         * After start, before the startup line: whoever reads that line
         * (a supervisor, a test) may signal the process right away.
         */
        default void prepare(FtpServer server) {
        }

        /** Returns when the server should stop; {@link #run} then closes it. */
        void serve(FtpServer server);
    }

    /**
     * Parses {@code args}, starts the server, hands it to {@code serving} and
     * closes it when that returns.
     */
    static int run(String[] args, PrintStream out, PrintStream err, Serving serving) {
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
        FtpServer server;
        try {
            server = start(options);
        } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
            err.println("nioftpd: " + e.getMessage());
            return 1;
        }
        try {
            serving.prepare(server);
            out.println(startupLine(options, server));
            out.flush();
            serving.serve(server);
        } finally {
            server.close();
        }
        return 0;
    }

    /** Builds and starts the server {@code options} describe. */
    static FtpServer start(Options options) throws IOException {
        FtpServer server = options.builder().build();
        // When start() fails we do not call close(): on a server whose loops
        // never started, close() waits 10 s for them to stop (core bug). The
        // process exits right after, which releases what start() opened.
        server.start();
        return server;
    }

    /** {@code nioftpd 0.1.0 listening on 127.0.0.1:2121 (root /x, anonymous read-only, 2 loops)}. */
    static String startupLine(Options options, FtpServer server) {
        String addresses = server.addresses().stream().map(Values::format).collect(Collectors.joining(", "));
        List<Values.User> users = options.users();
        StringBuilder sb = new StringBuilder("nioftpd ").append(version())
                .append(" listening on ").append(addresses)
                .append(" (root ").append(options.root());
        if (!users.isEmpty()) {
            sb.append(", ").append(users.size()).append(users.size() == 1 ? " user" : " users");
        }
        sb.append(options.anonymous() ? ", anonymous read-only" : ", anonymous off");
        int loops = server.loopStats().size();
        sb.append(", ").append(loops).append(loops == 1 ? " loop)" : " loops)");
        return sb.toString();
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : FALLBACK_VERSION;
    }

    /**
     * The daemon: serves until SIGTERM or Ctrl-C, which release the main
     * thread so that it closes the server and exits 0 (see {@link Signals}).
     * The shutdown hook covers every other way the JVM may end (SIGHUP,
     * System.exit elsewhere, a JVM run with -Xrs): it closes the server itself.
     */
    private static final class UntilSignal implements Serving {
        private final CountDownLatch stop = new CountDownLatch(1);

        @Override
        public void prepare(FtpServer server) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stop.countDown();
            }, "nioftpd-shutdown"));
            Signals.onTerminate(stop::countDown);
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

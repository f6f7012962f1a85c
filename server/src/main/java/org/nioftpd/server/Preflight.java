package org.nioftpd.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.nioftpd.auth.FolderPolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * What the start would refuse, and what would fail at the first login,
 * found before either: run by {@code --check-config} (all of it) and by the
 * start (all but the port probes, which the start does for real).
 * Every check asks the system as this process: readable, writable and
 * bindable for the user running it. Run as the service user
 * ({@code sudo -u nioftpd ...}, or the unit's {@code ExecStartPre}) it
 * answers for the service.
 *
 * <p>Errors are what the start refuses or what leaves a login or every
 * upload failing; warnings are what works but is likely not meant.
 */
final class Preflight {

    /** Fewer PBKDF2-HMAC-SHA256 iterations than this is a weak hash (OWASP asks 600,000; hash-password uses that). */
    static final int WEAK_ITERATIONS = 100_000;

    enum Severity {
        ERROR, WARNING
    }

    record Problem(Severity severity, String text) {
        @Override
        public String toString() {
            return (severity == Severity.ERROR ? "error: " : "warning: ") + text;
        }
    }

    private final List<Problem> problems = new ArrayList<>();
    private final String who;

    private Preflight() {
        this.who = "user " + System.getProperty("user.name", "?");
    }

    /** Every check; {@code probePorts}: also bind each listener once and let go of it. */
    static List<Problem> run(Options o, boolean probePorts) {
        Preflight p = new Preflight();
        p.directories(o);
        p.serverFolders = o.folders();
        p.checkUsersFile(o.logins().usersPath());
        p.xferlog(o);
        p.metrics(o);
        if (probePorts) {
            for (InetSocketAddress a : o.listen()) {
                p.port(a, "--listen");
            }
            for (InetSocketAddress a : o.implicitTlsListen()) {
                p.port(a, "--implicit-tls-listen");
            }
            if (o.metricsListen() != null) {
                p.port(o.metricsListen(), "--metrics-listen");
            }
        }
        return List.copyOf(p.problems);
    }

    /** The metrics listener: open to a network without a token, or a token file that cannot serve. */
    private void metrics(Options o) {
        InetSocketAddress listen = o.metricsListen();
        Path token = o.metricsToken();
        if (token == null) {
            if (listen != null && (listen.getAddress() == null || !listen.getAddress().isLoopbackAddress())) {
                warning("--metrics-listen " + Values.format(listen) + " is not a loopback address and has no"
                        + " --metrics-token: /metrics is open to that network, and who is connected (/sessions,"
                        + " /who, kick) is refused there");
            }
            return;
        }
        if (listen == null) {
            warning("--metrics-token " + token + " without --metrics-listen: there is no listener to protect");
        }
        try {
            Metrics.readToken(token);
        } catch (IOException e) {
            error("--metrics-token " + token + ": " + Daemon.reason(e) + ": the daemon would not start");
            return;
        }
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> perms = Files.getPosixFilePermissions(token);
            if (perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
                warning("--metrics-token " + token + " is readable by every local user: chmod o-r");
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // not POSIX: nothing to say
        }
    }

    private void error(String text) {
        problems.add(new Problem(Severity.ERROR, text));
    }

    private void warning(String text) {
        problems.add(new Problem(Severity.WARNING, text));
    }

    // ------------------------------------------------------------ directories

    private void directories(Options o) {
        Path root = o.root();
        boolean rootServed = !o.users().isEmpty() || o.anonymous() && o.anonymousRoot().equals(root);
        if (rootServed) {
            readableDirectory("--root", root, "every client would get 550");
            if (o.users().stream().anyMatch(Values.User::writable) && !Files.isWritable(root)) {
                warning("--root " + root + ": not writable by " + who + ", so the rw --user logins cannot upload");
            }
        }
        if (o.anonymous()) {
            Path anon = o.anonymousRoot();
            if (!anon.equals(root)) {
                readableDirectory("--anonymous-root", anon, "anonymous would get 550 for everything");
            }
            if (o.anonymousUploadDir() != null) {
                Path drop = anon.resolve(o.anonymousUploadDir().substring(1)).normalize();
                if (!Files.isWritable(drop) || !Files.isExecutable(drop)) {
                    error("--anonymous-upload-dir " + o.anonymousUploadDir() + ": " + drop + " is not writable by "
                            + who + ": every anonymous upload would fail with 550");
                }
            }
        }
    }

    private void readableDirectory(String option, Path dir, String otherwise) {
        if (!Files.isReadable(dir) || !Files.isExecutable(dir)) {
            error(option + " " + dir + ": not readable by " + who + ": " + otherwise);
        }
    }

    // -------------------------------------------------------------- users file

    /** The users-file checks alone: what a reload (SIGHUP) logs about the file it has just read. */
    static List<Problem> usersFile(Path file) {
        return usersFile(file, FolderPolicy.NONE);
    }

    /** The same, a users-file quota checked against the server's mounts too. */
    static List<Problem> usersFile(Path file, FolderPolicy serverFolders) {
        Preflight p = new Preflight();
        p.serverFolders = serverFolders;
        p.checkUsersFile(file);
        return List.copyOf(p.problems);
    }

    /** mount, rights and quota lines of the config file: a users-file quota may name one of its mounts. */
    private FolderPolicy serverFolders = FolderPolicy.NONE;

    private void checkUsersFile(Path file) {
        if (file == null) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            error(file + ": " + Daemon.reason(e)); // read a moment ago: only a race gets here
            return;
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            // UsersFile has parsed the file already: four fields at least, a valid hash, an absolute home.
            String[] f = line.split(":", -1);
            if (f.length < 4) {
                continue;
            }
            String where = file + ":" + (i + 1) + ": ";
            String name = f[0];
            boolean disabled = false;
            String uploadOnly = null;
            FolderPolicy folders = FolderPolicy.NONE;
            for (int k = 4; k < f.length; k++) {
                disabled |= f[k].equals("disabled");
                int eq = f[k].indexOf('=');
                String key = eq < 0 ? f[k] : f[k].substring(0, eq);
                if (eq > 0 && (key.equals("mount") || key.equals("rights") || key.equals("quota"))) {
                    try {
                        folders = folders.with(key, f[k].substring(eq + 1));
                    } catch (IllegalArgumentException e) {
                        error(where + e.getMessage()); // UsersFile refused it already: only a race gets here
                    }
                }
                if (f[k].startsWith("upload-only=")) {
                    uploadOnly = f[k].substring("upload-only=".length());
                }
            }
            int iterations = iterations(f[1]);
            if (iterations > 0 && iterations < WEAK_ITERATIONS) {
                warning(where + "the password hash of '" + name + "' has " + iterations + " PBKDF2 iteration"
                        + (iterations == 1 ? "" : "s") + " (weak: under " + WEAK_ITERATIONS
                        + "); make a new one with: java -jar nioftpd.jar hash-password");
            }
            if (disabled) {
                continue;
            }
            for (Map.Entry<String, Path> m : folders.mounts().entrySet()) {
                if (!Files.isDirectory(m.getValue())) {
                    error(where + "the mount " + m.getKey() + " of '" + name + "' is not a directory: " + m.getValue()
                            + " (left out of its tree at login)");
                }
            }
            try {
                serverFolders.merge(folders).check();
            } catch (IllegalArgumentException e) {
                error(where + "'" + name + "': " + e.getMessage() + " ('" + name + "' would get 530 Login incorrect)");
            }
            Path home = Path.of(f[2]);
            String consequence = "'" + name + "' would get 530 Login incorrect";
            if (!Files.isDirectory(home)) {
                error(where + "the home of '" + name + "' is not a directory: " + home + " (" + consequence + ")");
            } else if (!Files.isReadable(home) || !Files.isExecutable(home)) {
                error(where + "the home of '" + name + "', " + home + ", is not readable by " + who
                        + " (" + consequence + ")");
            } else if (f[3].equals("rw") && !Files.isWritable(home)) {
                warning(where + "'" + name + "' is rw but " + home + " is not writable by " + who);
            } else if (uploadOnly != null) {
                Path drop = home.resolve(uploadOnly.startsWith("/") ? uploadOnly.substring(1) : uploadOnly).normalize();
                if (!Files.isDirectory(drop) || !Files.isWritable(drop)) {
                    error(where + "the upload-only directory of '" + name + "', " + drop
                            + ", is not a directory writable by " + who);
                }
            }
        }
    }

    /** The iterations of {@code $pbkdf2-sha256$N$salt$hash}, or 0 if it does not read as one. */
    static int iterations(String hash) {
        String[] p = hash.split("\\$", -1);
        if (p.length < 3) {
            return 0;
        }
        try {
            return Integer.parseInt(p[2]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    // ------------------------------------------------------------- the xferlog

    private void xferlog(Options o) {
        Path log = o.xferlog();
        if (log == null) {
            return;
        }
        if (Files.exists(log) ? !Files.isWritable(log) : !Files.isWritable(log.getParent())) {
            error("--xferlog " + log + ": " + (Files.exists(log) ? "not writable" : "cannot be created in "
                    + log.getParent()) + " by " + who + " (the start would exit 1)");
        }
    }

    // ------------------------------------------------------------------- ports

    private void port(InetSocketAddress a, String option) {
        try (ServerSocketChannel ch = ServerSocketChannel.open()) {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true); // as the server binds: TIME_WAIT is no conflict
            ch.bind(a, 1);
        } catch (IOException e) {
            String text = option + " " + Logging.address(a) + ": " + bindFailure(a, e, option);
            if (inUse(e)) {
                // not an error: it may well be this server, running while its next configuration is checked
                warning(text);
            } else {
                error(text);
            }
        }
    }

    /**
     * After a failed start: which of the listeners cannot be bound, and why,
     * in words that say what to do; null if each can be bound now.
     */
    static String listenFailure(Options o) {
        List<InetSocketAddress> all = new ArrayList<>(o.listen());
        all.addAll(o.implicitTlsListen());
        for (int i = 0; i < all.size(); i++) {
            InetSocketAddress a = all.get(i);
            try (ServerSocketChannel ch = ServerSocketChannel.open()) {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(a, 1);
            } catch (IOException e) {
                return "cannot listen on " + Logging.address(a) + ": "
                        + bindFailure(a, e, i < o.listen().size() ? "--listen" : "--implicit-tls-listen");
            }
        }
        return null;
    }

    static boolean inUse(IOException e) {
        return e instanceof BindException && String.valueOf(e.getMessage()).toLowerCase().contains("in use");
    }

    /**
     * Why {@code a} cannot be bound, and what to do about it: who to look
     * for, which option to change, which capability to grant.
     */
    static String bindFailure(InetSocketAddress a, IOException e, String option) {
        String message = String.valueOf(e.getMessage());
        String lower = message.toLowerCase();
        int port = a.getPort();
        if (inUse(e)) {
            return "address already in use: another process listens there (find it with: ss -ltnp 'sport = :"
                    + port + "'); stop it, or choose another port with " + option;
        }
        if (lower.contains("permission denied") || lower.contains("access denied")) {
            if (port > 0 && port < 1024) {
                return "permission denied: a port below 1024 needs root or the CAP_NET_BIND_SERVICE capability"
                        + " (the systemd unit grants it with AmbientCapabilities=CAP_NET_BIND_SERVICE); or use a port"
                        + " of 1024 or more: " + option + " " + Logging.address(new InetSocketAddress(a.getAddress(),
                        2121));
            }
            return "permission denied";
        }
        if (lower.contains("cannot assign requested address")) {
            return "cannot assign requested address: that is not an address of this host"
                    + " (ip -brief address lists them; 0.0.0.0 or [::] listens on all)";
        }
        if (e instanceof SocketException && lower.contains("protocol family unavailable")) {
            return "IPv6 is not available on this host: listen on an IPv4 address";
        }
        return message;
    }
}

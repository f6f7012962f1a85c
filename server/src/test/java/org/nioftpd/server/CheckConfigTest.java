package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.auth.PasswordHash;

/**
 * Regression (operator's first day, items 2 and 3): --check-config said
 * "configuration OK" to setups the start refused or that failed at the
 * first login, and start-up failures did not say what to do.
 */
@Timeout(60)
class CheckConfigTest extends DaemonTestBase {

    /** Root can read, write and bind anything: what these cases check cannot fail for it. */
    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static final String ROOT_SKIP = "running as root, who may read, write and bind anything:"
            + " the check cannot fail in-process; CheckConfigAsServiceUserIT runs it as nobody through setpriv";

    private Outcome check(String... args) {
        return runWithoutServer(withDefaults(concat(args, "--check-config")));
    }

    private static String[] concat(String[] a, String b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + 1);
        all[a.length] = b;
        return all;
    }

    @Test
    void aUsersFileHomeThatDoesNotExistIsAnErrorAndTheUserIndeedCannotLogIn() throws Exception {
        Path missing = dir.resolve("no-such-home");
        Path users = Files.write(dir.resolve("users"), List.of(LoginsTest.entry("alice", "pw", dir, "rw"),
                LoginsTest.entry("bob", "pw", missing, "rw")));
        Outcome r = check("--users", users.toString());
        assertEquals(2, r.status(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains("nioftpd: error: " + users + ":2: the home of 'bob' is not a directory: "
                + missing + " ('bob' would get 530 Login incorrect)"), r.err());
        assertTrue(r.err().endsWith("nioftpd: configuration not OK: 1 error" + System.lineSeparator()), r.err());
        // what the check predicts is what happens
        Daemon d = start("--users", users.toString());
        assertTrue(canLogin(d, "alice", "pw"));
        assertFalse(canLogin(d, "bob", "pw"));
    }

    @Test
    void aWeakHashIsAWarning() throws Exception {
        String weak = "carol:" + PasswordHash.create("pw".toCharArray(), 1) + ":" + dir + ":ro";
        Path users = Files.write(dir.resolve("users"), List.of(LoginsTest.entry("alice", "pw", dir, "rw"), weak));
        Outcome r = check("--users", users.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("configuration OK" + System.lineSeparator(), r.out());
        assertEquals("nioftpd: warning: " + users + ":2: the password hash of 'carol' has 1 PBKDF2 iteration"
                + " (weak: under 100000); make a new one with: java -jar nioftpd.jar hash-password"
                + System.lineSeparator(), r.err());
    }

    @Test
    void aListenerInUseIsAWarningAndTheStartSaysWhoToLookFor() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Outcome r = check("--listen", "127.0.0.1:" + port);
            // it may be this very server, running while its next configuration is checked
            assertEquals(0, r.status(), r.err());
            assertEquals("nioftpd: warning: --listen 127.0.0.1:" + port + ": address already in use: another"
                    + " process listens there (find it with: ss -ltnp 'sport = :" + port + "'); stop it, or choose"
                    + " another port with --listen" + System.lineSeparator(), r.err());
            Outcome start = run(server -> {
                throw new AssertionError("started on a port in use");
            }, withDefaults("--listen", "127.0.0.1:" + port));
            assertEquals(1, start.status());
            assertTrue(start.err().endsWith("nioftpd: cannot listen on 127.0.0.1:" + port + ": address already in use:"
                    + " another process listens there (find it with: ss -ltnp 'sport = :" + port + "'); stop it,"
                    + " or choose another port with --listen" + System.lineSeparator()), start.err());
            Outcome metrics = run(server -> {
                throw new AssertionError("started with metrics on a port in use");
            }, withDefaults("--metrics-listen", "127.0.0.1:" + port));
            assertEquals(1, metrics.status());
            assertTrue(metrics.err().contains("nioftpd: cannot serve metrics on 127.0.0.1:" + port
                    + ": address already in use: another process listens there (find it with: ss -ltnp 'sport = :"
                    + port + "'); stop it, or choose another port with --metrics-listen"), metrics.err());
        }
    }

    @Test
    void aPrivilegedPortSaysWhatToDo() {
        // the message, from the exception the JDK throws (runs as any user)
        assertEquals("permission denied: a port below 1024 needs root or the CAP_NET_BIND_SERVICE capability"
                + " (the systemd unit grants it with AmbientCapabilities=CAP_NET_BIND_SERVICE); or use a port of"
                + " 1024 or more: --listen 0.0.0.0:2121", Preflight.bindFailure(new InetSocketAddress("0.0.0.0", 21),
                new BindException("Permission denied"), "--listen"));
    }

    @Test
    void port21AsAUserWhoMayNotBindItIsAnError() throws Exception {
        assumeFalse(root(), ROOT_SKIP);
        Outcome r = check("--listen", "127.0.0.1:21");
        boolean mayBind;
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 21));
            mayBind = true;
        } catch (IOException e) {
            mayBind = !e.getMessage().toLowerCase().contains("permission");
        }
        assumeFalse(mayBind, "this user may bind port 21 (CAP_NET_BIND_SERVICE or ip_unprivileged_port_start)");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("nioftpd: error: --listen 127.0.0.1:21: permission denied: a port below 1024"),
                r.err());
    }

    @Test
    void anUnreadableRootIsAnError() throws Exception {
        assumeFalse(root(), ROOT_SKIP);
        Path root = Files.createDirectories(dir.resolve("locked"));
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("---------"));
        try {
            Outcome r = check("--root", root.toString());
            assertEquals(2, r.status(), r.err());
            assertTrue(r.err().contains("nioftpd: error: --root " + root + ": not readable by user "), r.err());
        } finally {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void anXferlogTheUserCannotWriteIsAnError() throws Exception {
        assumeFalse(root(), ROOT_SKIP);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Outcome r = check("--xferlog", logs.resolve("xferlog").toString());
            assertEquals(2, r.status(), r.err());
            assertTrue(r.err().contains("nioftpd: error: --xferlog " + logs.resolve("xferlog") + ": cannot be created"
                    + " in " + logs + " by user "), r.err());
        } finally {
            Files.setPosixFilePermissions(logs, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aDropBoxNobodyCanWriteIsAnError() throws Exception {
        assumeFalse(root(), ROOT_SKIP);
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        Files.setPosixFilePermissions(incoming, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Outcome r = check("--anonymous-upload-dir", "/incoming");
            assertEquals(2, r.status(), r.err());
            assertTrue(r.err().contains("nioftpd: error: --anonymous-upload-dir /incoming: " + incoming
                    + " is not writable by user "), r.err());
        } finally {
            Files.setPosixFilePermissions(incoming, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void theStartLogsWhatIsServedToWhomAndWarnsOfAHomeDirectoryOrTheWholeDisk() throws Exception {
        Outcome r = run(server -> { }, withDefaults("--user", "alice:pw:rw", "--anonymous",
                "--metrics-listen", "127.0.0.1:0"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.err().contains(" INFO serving " + dir + " to 1 --user (read-write); " + dir
                + " to anonymous (read-only); dot files hidden and refused to everyone (--dot-files)"), r.err());
        assertTrue(r.out().matches("nioftpd \\S+ listening on 127\\.0\\.0\\.1:\\d+ \\(root .*, 1 user, anonymous"
                + " read-only, metrics http://127\\.0\\.0\\.1:\\d+/metrics, 1 loop\\)\\R"), r.out());
        assertTrue(r.err().contains(" INFO stopped (no session was open)"), r.err());
        Outcome slash = runWithoutServer("--root", "/", "--check-config");
        assertEquals(0, slash.status(), slash.err());
        assertTrue(slash.err().contains("nioftpd: warning: the root is /, the whole file system (to anonymous):"
                + " serve a directory made for FTP (--root)"), slash.err());
        Path home = Path.of(System.getProperty("user.home"));
        if (Files.isDirectory(home)) {
            Outcome h = runWithoutServer("--root", home.toString(), "--check-config");
            assertTrue(h.err().contains("nioftpd: warning: the root is a home directory, " + home.toAbsolutePath()
                    .normalize()), h.err());
        }
    }

    @Test
    void shortHelpAndUnknownOptionsPointToHelp() {
        Outcome h = runWithoutServer("-h");
        assertEquals(0, h.status());
        assertTrue(h.out().startsWith("Usage: java -jar nioftpd.jar [OPTION]..."), h.out());
        Outcome bad = runWithoutServer("--prot", "21");
        assertEquals(2, bad.status());
        assertEquals("nioftpd: unknown option '--prot' (java -jar nioftpd.jar --help lists the options)"
                + System.lineSeparator(), bad.err());
    }

    @Test
    void dotFileOptionsReachTheServer() throws Exception {
        Files.writeString(dir.resolve(".env"), "x");
        Files.writeString(dir.resolve("a.bak"), "x");
        Files.writeString(dir.resolve("b.txt"), "x");
        Daemon d = start("--user", "alice:pw:rw", "--dot-files", "users", "--hide", "*.bak");
        FTPClient alice = login(d, "alice", "pw");
        assertEquals(List.of(".env", "b.txt"), List.of(alice.listNames()));
        assertEquals(1, download(alice, ".env").length);
        Daemon anon = start("--anonymous", "--dot-files", "users", "--deny", "b.*");
        FTPClient a = login(anon, "anonymous", "x@y");
        assertEquals(List.of("a.bak"), List.of(a.listNames()));
        assertFalse(a.retrieveFile(".env", new java.io.ByteArrayOutputStream()));
        assertEquals(550, a.getReplyCode());
    }

    /** The same check after SIGHUP: a new account whose home does not exist is logged at once, not at its login. */
    @Test
    void aReloadLogsANewAccountWhoseHomeDoesNotExist() throws Exception {
        Path users = Files.write(dir.resolve("users"), List.of(LoginsTest.entry("alice", "pw", dir, "rw")));
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        Logging.configure(Values.LogLevel.INFO, new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        Daemon d = start("--users", users.toString());
        Path missing = dir.resolve("gone");
        Files.write(users, List.of(LoginsTest.entry("alice", "pw", dir, "rw"), LoginsTest.entry("bob", "pw", missing, "ro")));
        assertTrue(d.reload());
        assertTrue(log.toString(java.nio.charset.StandardCharsets.UTF_8).contains(" ERROR " + users + ":2: the home of"
                + " 'bob' is not a directory: " + missing + " ('bob' would get 530 Login incorrect)"), log.toString());
        assertFalse(canLogin(d, "bob", "pw"));
    }
}

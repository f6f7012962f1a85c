package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.TestServer;

/**
 * Daemons started in-process from a command line, on 127.0.0.1 port 0,
 * and Commons Net clients to them; all closed after each test.
 */
abstract class DaemonTestBase {

    @TempDir
    Path dir;

    private final List<Daemon> daemons = new ArrayList<>();
    private final List<FTPClient> clients = new ArrayList<>();

    @AfterEach
    void closeAll() throws IOException {
        for (FTPClient c : clients) {
            if (c.isConnected()) {
                c.disconnect();
            }
        }
        daemons.forEach(Daemon::close);
        Logging.configure(Values.LogLevel.INFO, System.err); // a test may have pointed the log elsewhere
    }

    /**
     * Starts a daemon from {@code args}, plus {@code --listen 127.0.0.1:0},
     * {@code --root dir}, {@code --loops 1} and {@code --failed-login-delay 0}
     * for whichever of them {@code args} do not name.
     */
    Daemon start(String... args) throws Exception {
        Daemon d = Main.start(Options.parse(withDefaults(args)));
        daemons.add(d);
        return d;
    }

    String[] withDefaults(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        List<String> names = all.stream().filter(a -> a.startsWith("--"))
                .map(a -> a.contains("=") ? a.substring(0, a.indexOf('=')) : a).toList();
        addUnless(all, names, "--listen", "127.0.0.1:0");
        addUnless(all, names, "--root", dir.toString());
        addUnless(all, names, "--loops", "1");
        addUnless(all, names, "--failed-login-delay", "0");
        return all.toArray(String[]::new);
    }

    private static void addUnless(List<String> all, List<String> names, String name, String value) {
        if (!names.contains(name)) {
            all.add(name);
            all.add(value);
        }
    }

    FTPClient connect(Daemon d) throws IOException {
        FTPClient c = TestServer.newClient();
        clients.add(c);
        c.connect("127.0.0.1", d.server().port());
        assertTrue(FTPReply.isPositiveCompletion(c.getReplyCode()), c.getReplyString());
        c.enterLocalPassiveMode();
        return c;
    }

    /** Connected and logged in, binary; fails the test if the login is refused. */
    FTPClient login(Daemon d, String user, String password) throws IOException {
        FTPClient c = connect(d);
        assertTrue(c.login(user, password), user + ": " + c.getReplyString());
        c.setFileType(FTP.BINARY_FILE_TYPE);
        return c;
    }

    boolean canLogin(Daemon d, String user, String password) throws IOException {
        FTPClient c = connect(d);
        boolean ok = c.login(user, password);
        if (!ok) {
            assertEquals(530, c.getReplyCode(), c.getReplyString());
        }
        c.disconnect();
        return ok;
    }

    static byte[] download(FTPClient c, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(c.retrieveFile(name, out), c.getReplyString());
        return out.toByteArray();
    }

    static boolean upload(FTPClient c, String name, byte[] content) throws IOException {
        return c.storeFile(name, new ByteArrayInputStream(content));
    }

    /** What Main.run printed and returned. */
    record Outcome(int status, String out, String err) {
    }

    /** Main.run with {@code args} as given (no defaults added), serving with {@code serving}. */
    static Outcome run(Main.Serving serving, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new Main.Serving() {
                    @Override
                    public void prepare(Daemon daemon) {
                        serving.prepare(daemon);
                    }

                    @Override
                    public void serve(org.nioftpd.FtpServer server) {
                        serving.serve(server);
                    }

                    @Override
                    public Duration grace(Duration configured) {
                        return Duration.ofSeconds(5);
                    }
                });
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Main.run with a command line that must not start a server. */
    static Outcome runWithoutServer(String... args) {
        return run(server -> {
            throw new AssertionError("should not have started a server");
        }, args);
    }
}

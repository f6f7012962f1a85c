package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.FtpServer;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** Each option's effect on a real server, on port 0 of the loopback, driven by Commons Net. */
@Timeout(60)
class ServerOptionsTest {

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
    }

    /** Starts a server from a command line; loopback, port 0, {@link #dir} and one loop unless {@code args} say otherwise. */
    private FtpServer start(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.toString().contains("--listen")) {
            all.addAll(List.of("--listen", "127.0.0.1:0"));
        }
        if (!all.toString().contains("--root")) {
            all.addAll(List.of("--root", dir.toString()));
        }
        if (!all.toString().contains("--loops")) {
            all.addAll(List.of("--loops", "1"));
        }
        Options options = Options.parse(all.toArray(String[]::new));
        options.builder().failedLoginDelay(Duration.ofMillis(50)); // failed logins are part of these tests
        Daemon daemon = Main.start(options);
        daemons.add(daemon);
        return daemon.server();
    }

    private FTPClient connect(String host, int port) throws IOException {
        FTPClient c = TestServer.newClient();
        clients.add(c);
        c.connect(host, port);
        assertTrue(FTPReply.isPositiveCompletion(c.getReplyCode()), c.getReplyString());
        c.enterLocalPassiveMode();
        return c;
    }

    /** Connected and logged in, binary; fails the test if the login is refused. */
    private FTPClient login(FtpServer server, String user, String password) throws IOException {
        FTPClient c = connect("127.0.0.1", server.port());
        assertTrue(c.login(user, password), user + ": " + c.getReplyString());
        c.setFileType(FTP.BINARY_FILE_TYPE);
        return c;
    }

    private boolean canLogin(FtpServer server, String user, String password) throws IOException {
        FTPClient c = connect("127.0.0.1", server.port());
        boolean ok = c.login(user, password);
        if (!ok) {
            assertEquals(530, c.getReplyCode(), c.getReplyString());
        }
        return ok;
    }

    private static String download(FTPClient c, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(c.retrieveFile(name, out), c.getReplyString());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean upload(FTPClient c, String name, String content) throws IOException {
        return c.storeFile(name, new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
    }

    // ---------------------------------------------------------------- anonymous

    @Test
    void anonymousReadOnlyByDefault() throws Exception {
        Files.writeString(dir.resolve("readme.txt"), "hello");
        FtpServer server = start();
        for (String name : new String[] {"anonymous", "ftp"}) {
            FTPClient c = login(server, name, "guest@example.com");
            assertEquals("hello", download(c, "readme.txt"));
            assertFalse(upload(c, "new.txt", "x"), "anonymous is read-only");
            assertEquals(550, c.getReplyCode(), c.getReplyString());
        }
        assertFalse(Files.exists(dir.resolve("new.txt")));
    }

    @Test
    void anyUserTurnsAnonymousOff() throws Exception {
        FtpServer server = start("--user", "alice:pw");
        assertFalse(canLogin(server, "anonymous", "guest@example.com"));
        assertFalse(canLogin(server, "ftp", "guest@example.com"));
        assertTrue(canLogin(server, "alice", "pw"));
        assertFalse(canLogin(server, "alice", "wrong"));
    }

    @Test
    void anonymousFlagKeepsAnonymousWithUsers() throws Exception {
        FtpServer server = start("--user", "alice:pw", "--anonymous");
        assertTrue(canLogin(server, "anonymous", "guest@example.com"));
        assertTrue(canLogin(server, "alice", "pw"));
    }

    // -------------------------------------------------------------------- users

    @Test
    void readOnlyUserGets550OnStor() throws Exception {
        Files.writeString(dir.resolve("readme.txt"), "hello");
        FtpServer server = start("--user", "bob:pw:ro");
        FTPClient c = login(server, "bob", "pw");
        assertFalse(upload(c, "new.txt", "x"));
        assertEquals(550, c.getReplyCode(), c.getReplyString());
        assertFalse(Files.exists(dir.resolve("new.txt")));
        assertEquals("hello", download(c, "readme.txt"), "read-only still reads");
    }

    @Test
    void readWriteUserCanUpload() throws Exception {
        FtpServer server = start("--user", "alice:pw", "--user", "carol:p:w:rw");
        FTPClient alice = login(server, "alice", "pw"); // rw by default
        assertTrue(upload(alice, "a.txt", "from alice"), alice.getReplyString());
        assertEquals("from alice", Files.readString(dir.resolve("a.txt")));
        FTPClient carol = login(server, "carol", "p:w"); // ':' in a password, mode given
        assertTrue(upload(carol, "c.txt", "from carol"), carol.getReplyString());
        assertEquals("from carol", Files.readString(dir.resolve("c.txt")));
    }

    @Test
    void rootIsServedAsSlash() throws Exception {
        Path served = Files.createDirectories(dir.resolve("served"));
        Files.writeString(served.resolve("inside.txt"), "in");
        Files.writeString(dir.resolve("outside.txt"), "out");
        FtpServer server = start("--root", served.toString());
        FTPClient c = login(server, "anonymous", "x@y");
        assertEquals("/", c.printWorkingDirectory());
        assertEquals("in", download(c, "/inside.txt"));
        assertFalse(c.retrieveFile("../outside.txt", new ByteArrayOutputStream()));
    }

    // ------------------------------------------------------------ listen, loops

    @Test
    void listensOnIpv6Loopback() throws Exception {
        assumeTrue(ipv6LoopbackWorks(), "no IPv6 loopback on this machine");
        FtpServer server = start("--listen", "[::1]:0");
        InetSocketAddress bound = server.addresses().get(0);
        assertEquals(InetAddress.getByName("::1"), bound.getAddress());
        assertTrue(bound.getPort() > 0);
        Files.writeString(dir.resolve("f.txt"), "six");
        FTPClient c = connect("::1", bound.getPort());
        assertTrue(c.login("anonymous", "x@y"), c.getReplyString());
        assertEquals("six", download(c, "f.txt")); // over EPSV, which Commons Net uses on IPv6
    }

    @Test
    void listenIsRepeatable() throws Exception {
        assumeTrue(ipv6LoopbackWorks(), "no IPv6 loopback on this machine");
        FtpServer server = start("--listen", "127.0.0.1:0", "--listen=[::1]:0");
        List<InetSocketAddress> bound = server.addresses();
        assertEquals(2, bound.size());
        assertEquals(InetAddress.getByName("127.0.0.1"), bound.get(0).getAddress());
        assertEquals(InetAddress.getByName("::1"), bound.get(1).getAddress());
        assertTrue(canLogin(server, "anonymous", "x@y"));
    }

    @Test
    void loopsSetsTheNumberOfEventLoops() throws Exception {
        assertEquals(2, start("--loops", "2").loopStats().size());
        assertEquals(1, start("--loops=1").loopStats().size());
    }

    // ------------------------------------------------------------------ passive

    @Test
    void passivePortsAreHonoured() throws Exception {
        int low;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            low = probe.getLocalPort(); // a port free a moment ago; the range around it is very likely free
        }
        int high = Math.min(low + 4, 65535);
        Files.writeString(dir.resolve("f.txt"), "data");
        FtpServer server = start("--passive-ports", low + "-" + high);
        FTPClient c = login(server, "anonymous", "x@y");
        for (int i = 0; i < 6; i++) {
            assertEquals("data", download(c, "f.txt"));
            int port = c.getPassivePort();
            assertTrue(port >= low && port <= high, port + " not in " + low + "-" + high);
        }
    }

    @Test
    void passiveAddressIsAnnouncedInPasv() throws Exception {
        FtpServer server = start("--passive-address", "10.1.2.3");
        try (RawClient r = new RawClient(server.port())) {
            assertTrue(r.reply().startsWith("220"));
            r.login("anonymous", "x@y");
            String reply = r.command("PASV");
            // only the reply is checked; nothing ever connects to 10.1.2.3
            assertTrue(reply.matches("227 .*\\(10,1,2,3,\\d+,\\d+\\).*"), reply);
            assertTrue(r.command("QUIT").startsWith("221"));
        }
    }

    // ------------------------------------------------------- Main.run as a whole

    @Test
    void startupLineNamesTheRealPort() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        AtomicInteger port = new AtomicInteger();
        int status = Main.run(new String[] {"--listen", "127.0.0.1:0", "--root", dir.toString(), "--loops", "1",
                "--user", "alice:pw", "--user", "bob:pw:ro"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                server -> {
                    port.set(server.port());
                    try {
                        assertTrue(canLogin(server, "alice", "pw"));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        assertEquals("nioftpd " + Main.FALLBACK_VERSION + " listening on 127.0.0.1:" + port.get()
                + " (root " + dir.toAbsolutePath() + ", 2 users, anonymous off, 1 loop)" + System.lineSeparator(),
                out.toString(StandardCharsets.UTF_8));
        assertTrue(port.get() > 0);
        Await.until(Duration.ofSeconds(10), "the listener to close after run returns", () -> !accepts(port.get()));
    }

    @Test
    void startupLineForTheAnonymousDefault() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = Main.run(new String[] {"--listen=127.0.0.1:0", "--root=" + dir, "--loops=2"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err, server -> { });
        assertEquals(0, status);
        Matcher m = Pattern.compile("nioftpd \\S+ listening on 127\\.0\\.0\\.1:(\\d+) \\(root (.*), "
                + "anonymous read-only, 2 loops\\)\\R").matcher(out.toString(StandardCharsets.UTF_8));
        assertTrue(m.matches(), out.toString(StandardCharsets.UTF_8));
        assertTrue(Integer.parseInt(m.group(1)) > 0);
        assertEquals(dir.toAbsolutePath().toString(), m.group(2));
    }

    @Test
    void bindFailureIsOneLineAndStatus1() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.run(new String[] {"--listen", "127.0.0.1:" + taken.getLocalPort(),
                "--root", dir.toString(), "--loops", "1"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                    server -> {
                        throw new AssertionError("started on a port that is taken");
                    });
            String e = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, status, e);
            assertEquals("", out.toString(StandardCharsets.UTF_8));
            assertTrue(e.startsWith("nioftpd: cannot listen on ") && e.contains(":" + taken.getLocalPort()), e);
            assertEquals(1, e.lines().count(), e);
        }
    }

    private static boolean accepts(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean ipv6LoopbackWorks() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.TestServer;

/**
 * Issue 4, item 3: every resource a client can hold is capped, and every
 * wait ends. Sessions in all and per address; the login, idle, data and
 * accept timeouts, with durations of a few hundred milliseconds. The idle
 * timeout must not cut a transfer that moves data, however slowly, and
 * bytes that never make a command are not activity (slowloris).
 */
@Timeout(90)
class LimitsTest {

    @TempDir
    Path dir;

    private static boolean greeted(TestServer server) {
        try (Ctl c = Ctl.open(server.port())) {
            String r = c.reply();
            return r != null && r.startsWith("220");
        } catch (Exception e) {
            return false;
        }
    }

    private Path bigFile(String name, int size) throws Exception {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    // ------------------------------------------------------------------ sessions

    /** Beyond maxSessions a connection gets 421 and is closed; a quit frees its slot. */
    @Test
    void maxSessions() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.maxSessions(2))) {
            Ctl a = Ctl.login(server.port(), "u", "p");
            Ctl b = Ctl.open(server.port(), Ctl.OTHER); // the cap counts every address
            Ctl.expect("220", b.reply());
            try (Ctl c = Ctl.open(server.port())) {
                assertEquals(List.of("421 Too many users, sorry; try again later."),
                        c.repliesUntilClosed(Duration.ofSeconds(5)));
            }
            assertEquals(2, server.server().sessionCount());
            Ctl.expect("221", a.command("QUIT"));
            Await.until(Duration.ofSeconds(10), "a slot to free up", () -> greeted(server));
            b.close();
            a.close();
        }
    }

    /** Beyond maxSessionsPerAddress the same address gets 421; another address does not. */
    @Test
    void maxSessionsPerAddress() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.maxSessions(100).maxSessionsPerAddress(2))) {
            Ctl a = Ctl.open(server.port());
            Ctl b = Ctl.open(server.port());
            Ctl.expect("220", a.reply());
            Ctl.expect("220", b.reply());
            try (Ctl c = Ctl.open(server.port())) {
                assertEquals(List.of("421 Too many connections from your address."),
                        c.repliesUntilClosed(Duration.ofSeconds(5)));
            }
            try (Ctl elsewhere = Ctl.open(server.port(), Ctl.OTHER)) {
                Ctl.expect("220", elsewhere.reply());
            }
            Ctl.expect("221", a.command("QUIT"));
            Await.until(Duration.ofSeconds(10), "a slot to free up", () -> greeted(server));
            // A session that vanishes without QUIT frees its slot too.
            Ctl.reset(b.socket());
            Await.until(Duration.ofSeconds(10), "the vanished session's slot", () -> server.server().sessionCount() == 0);
        }
    }

    // ------------------------------------------------------------------ timeouts

    /** A connection that does not log in is closed after loginTimeout. */
    @Test
    void loginTimeout() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.loginTimeout(Duration.ofMillis(300)));
             Ctl c = Ctl.open(server.port())) {
            Ctl.expect("220", c.reply());
            assertEquals(List.of("421 Login timeout: closing control connection."),
                    c.repliesUntilClosed(Duration.ofSeconds(5)));
        }
    }

    /**
     * Busy is not logged in: NOOP every 50 ms does not extend the login
     * timeout (it is a deadline from the connect, not an idle timer). Without
     * the login timer the idle timer would be reset by each NOOP and this
     * connection would stay for ever.
     */
    @Test
    void loginTimeoutIsNotExtendedByCommands() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.loginTimeout(Duration.ofMillis(400)));
             Ctl c = Ctl.open(server.port())) {
            Ctl.expect("220", c.reply());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String r;
            while (true) {
                assertTrue(System.nanoTime() < deadline, "still not logged out after 10 s of NOOPs");
                r = c.command("NOOP");
                if (r == null || !r.startsWith("200")) {
                    break;
                }
                LockSupport.parkNanos(50_000_000); // pacing the client, not waiting for the server
            }
            assertEquals("421 Login timeout: closing control connection.", r);
        }
    }

    /** A logged-in session that sends nothing is closed after idleTimeout. */
    @Test
    void idleTimeout() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.idleTimeout(Duration.ofMillis(400)));
             Ctl c = Ctl.login(server.port(), "u", "p")) {
            assertEquals(List.of("421 Timeout: closing control connection."),
                    c.repliesUntilClosed(Duration.ofSeconds(5)));
        }
    }

    /**
     * Slowloris: a byte every 50 ms that never makes a line is not activity,
     * so the idle timeout still closes the session. If Session counted bytes
     * rather than whole lines as activity, this would stay open.
     */
    @Test
    void tricklingBytesDoNotKeepASessionAlive() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.idleTimeout(Duration.ofMillis(400)));
             Ctl c = Ctl.login(server.port(), "u", "p")) {
            Thread trickle = new Thread(() -> {
                try {
                    for (int i = 0; i < 400; i++) {
                        c.sendRaw(new byte[] {'N'});
                        LockSupport.parkNanos(50_000_000);
                    }
                } catch (Exception closed) {
                    // the server hung up: expected
                }
            });
            trickle.setDaemon(true);
            trickle.start();
            assertEquals(List.of("421 Timeout: closing control connection."),
                    c.repliesUntilClosed(Duration.ofSeconds(5)));
            trickle.interrupt();
        }
    }

    /** The other side of the idle timeout: whole commands are activity. */
    @Test
    void commandsKeepASessionAlive() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.idleTimeout(Duration.ofMillis(500)));
             Ctl c = Ctl.login(server.port(), "u", "p")) {
            long end = System.nanoTime() + Duration.ofMillis(1500).toNanos();
            while (System.nanoTime() < end) {
                assertEquals("200 NOOP ok.", c.command("NOOP"));
                LockSupport.parkNanos(100_000_000);
            }
        }
    }

    /**
     * The idle timer must not fire while a transfer moves data, however
     * slowly: a throttled reader takes several idle timeouts to download 16
     * MiB and must get all of it and a 226. Without the "transfer is moving"
     * check in Session.checkIdle, the session would be closed mid-transfer
     * with 421 and the download cut short.
     */
    @Test
    void idleTimeoutDoesNotCutASlowTransfer() throws Exception {
        // 2 s, not less: on a loaded machine (CI beside other builds) a test thread can be off the CPU
        // for most of a second, and a stall that long is, to the server, a client that stopped reading.
        Duration idle = Duration.ofSeconds(2);
        byte[] content = Files.readAllBytes(bigFile("big.bin", 16 << 20));
        try (TestServer server = TestServer.start(dir, b -> b.idleTimeout(idle).dataTimeout(Duration.ofSeconds(30)));
             Ctl c = Ctl.login(server.port(), "u", "p")) {
            Ctl.expect("200", c.command("TYPE I"));
            int port = c.pasv();
            Socket data = new Socket();
            data.setReceiveBufferSize(16 * 1024); // before connect: a small window, so the server waits on us
            data.connect(new InetSocketAddress(Ctl.LOCAL, port), 10_000);
            data.setSoTimeout(20_000);
            Ctl.expect("1", c.command("RETR big.bin")); // 125 or 150: the connection may be accepted yet or not
            long start = System.nanoTime();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] chunk = new byte[24 * 1024];
            try (InputStream in = data.getInputStream()) {
                int n;
                while ((n = in.read(chunk)) > 0) {
                    got.write(chunk, 0, n);
                    LockSupport.parkNanos(10_000_000); // about 2.4 MB/s at most, so 16 MiB take 7 s: pacing, not waiting
                }
            }
            long took = System.nanoTime() - start;
            assertEquals("226 Transfer complete.", c.reply());
            assertArrayEquals(content, got.toByteArray());
            assertTrue(took > 2 * idle.toNanos(), "the download was too fast to prove anything: " + took / 1_000_000 + " ms");
        }
    }

    /**
     * A data connection that takes nothing of a big RETR is closed after the
     * data timeout, and 426 follows; the session goes on. Without the stall
     * timer (DataConnections.armStallTimer) this would wait for the idle
     * timeout, a minute here.
     */
    @Test
    void dataTimeoutEndsAStalledDownload() throws Exception {
        bigFile("big.bin", 8 << 20);
        try (TestServer server = TestServer.start(dir, b -> b.dataTimeout(Duration.ofMillis(500)));
             Ctl c = Ctl.login(server.port(), "u", "p")) {
            Ctl.expect("200", c.command("TYPE I"));
            int port = c.pasv();
            try (Socket data = Ctl.data(port)) {
                Ctl.expect("1", c.command("RETR big.bin")); // 125 or 150: the connection may be accepted yet or not
                // Read nothing at all.
                c.socket().setSoTimeout(10_000);
                String r = c.reply();
                assertTrue(r.startsWith("426 "), r);
                assertTrue(r.contains("stalled"), r);
                assertTrue(Ctl.closedWithin(data, Duration.ofSeconds(5)), "the data connection is still open");
            }
            Ctl.expect("200", c.command("NOOP"));
        }
    }

    /**
     * An upload that sends nothing, or some bytes and then nothing, is ended
     * by the data timeout with 426, and leaves no file behind; a file of the
     * same name that was there stays as it was.
     */
    @Test
    void dataTimeoutEndsAStalledUploadWithoutAPartialFile() throws Exception {
        Files.writeString(dir.resolve("kept.txt"), "the old content");
        try (TestServer server = TestServer.start(dir, b -> b.dataTimeout(Duration.ofMillis(500)));
             Ctl c = Ctl.login(server.port(), "u", "p")) {
            Ctl.expect("200", c.command("TYPE I"));
            for (String name : List.of("new.bin", "kept.txt")) {
                for (int bytes : new int[] {0, 100_000}) {
                    int port = c.pasv();
                    try (Socket data = Ctl.data(port)) {
                        Ctl.expect("1", c.command("STOR " + name));
                        data.getOutputStream().write(new byte[bytes]);
                        data.getOutputStream().flush();
                        // ... and then nothing, without closing.
                        String r = c.reply();
                        assertTrue(r.startsWith("426 "), r);
                    }
                }
            }
            Ctl.expect("200", c.command("NOOP"));
        }
        List<String> left = new ArrayList<>();
        try (var list = Files.list(dir)) {
            list.forEach(p -> left.add(p.getFileName().toString()));
        }
        assertEquals(List.of("kept.txt"), left);
        assertEquals("the old content", Files.readString(dir.resolve("kept.txt")));
    }

    /**
     * PASV, then a RETR whose data connection never comes: 425 after the
     * accept timeout, and the listener is gone. Without the wait timer the
     * session would sit in "150" until the idle timeout.
     */
    @Test
    void acceptTimeout() throws Exception {
        Files.writeString(dir.resolve("f.txt"), "x");
        try (TestServer server = TestServer.start(dir, b -> b.acceptTimeout(Duration.ofMillis(300)));
             Ctl c = Ctl.login(server.port(), "u", "p")) {
            int port = c.pasv();
            Ctl.expect("150", c.command("RETR f.txt"));
            String r = c.reply();
            assertTrue(r.startsWith("425 "), r);
            Ctl.awaitRefused(port);
            // PASV and nothing at all: the listener closes by itself too.
            Ctl.awaitRefused(c.pasv());
            Ctl.expect("200", c.command("NOOP"));
            assertFalse(r.contains(dir.toString()));
        }
    }
}

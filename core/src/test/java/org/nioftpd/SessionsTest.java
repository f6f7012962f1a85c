package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * {@link FtpServer#sessions()} and {@link FtpServer#kick}: the live view of
 * who is connected, taken on each session's loop, and ending a session by
 * id, user or address, with a transfer in flight aborted. Real server, raw
 * sockets; downloads throttled so that they are still running when looked at.
 */
@Timeout(60)
class SessionsTest {

    @TempDir
    Path dir;

    private static final int SIZE = 4 << 20;
    /** 256 KiB/s: a 4 MiB file takes some 16 s, so it is in flight when it is looked at and kicked. */
    private static final long RATE = 256 * 1024;

    private static SessionInfo only(FtpServer server, String user) {
        return server.sessions().stream().filter(s -> user.equals(s.user())).findFirst()
                .orElseThrow(() -> new AssertionError("no session of " + user + " in " + server.sessions()));
    }

    @Test
    void showsUserClientCommandAndARunningDownloadWithProgress() throws Exception {
        Files.write(dir.resolve("big.bin"), new byte[SIZE]);
        try (TestServer ts = TestServer.start(dir, b -> b.bandwidth(RATE, 0));
             RawClient idle = ts.raw();
             RawClient c = ts.rawLoggedIn()) {
            FtpServer server = ts.server();
            idle.reply(); // greeted, not logged in
            c.expect("TYPE I", 200);
            Socket data = c.passiveData();
            c.expect("RETR big.bin", 1);
            InputStream in = data.getInputStream();
            byte[] buf = new byte[8192];
            long got = 0;
            while (got < 64 * 1024) {
                got += in.read(buf);
            }
            long seen = got;
            Await.until(Duration.ofSeconds(10), "the download shows progress", () -> {
                SessionInfo.Transfer t = only(server, "u").transfer();
                return t != null && t.bytes() >= seen;
            });
            SessionInfo s = only(server, "u");
            assertEquals("RETR big.bin", s.command());
            assertEquals(c.socket().getLocalPort(), s.client().getPort());
            assertEquals(ts.port(), s.listener().getPort());
            assertFalse(s.tls());
            SessionInfo.Transfer t = s.transfer();
            assertEquals("/big.bin", t.file());
            assertFalse(t.upload());
            assertEquals(SIZE, t.size());
            assertTrue(t.progress() > 0 && t.progress() < 1, "progress " + t.progress());
            assertNotNull(t.started());
            assertTrue(t.bytesPerSecond() > 0, "rate " + t.bytesPerSecond());
            assertTrue(s.idle().compareTo(Duration.ofSeconds(5)) < 0, "a moving transfer is not idle: " + s.idle());

            List<SessionInfo> all = server.sessions();
            assertEquals(2, all.size(), all.toString());
            SessionInfo greeted = all.stream().filter(x -> x.user() == null).findFirst().orElseThrow();
            assertNull(greeted.transfer());
            assertNull(greeted.command());
            assertTrue(Long.parseLong(greeted.id()) < Long.parseLong(s.id()), "ids in connection order");
            data.close();
        }
    }

    @Test
    void passwordIsNeverShown() throws Exception {
        try (TestServer ts = TestServer.start(dir); RawClient c = ts.rawLoggedIn()) {
            assertTrue(c.command("NOOP").startsWith("200"));
            c.send("PASS secret-never-shown");
            assertTrue(c.reply().matches("[2-5]\\d\\d .*"), "PASS answered");
            assertEquals("PASS ****", only(ts.server(), "u").command());
        }
    }

    @Test
    void kickByIdAbortsTheDownloadThenSays421AndCloses() throws Exception {
        Files.write(dir.resolve("big.bin"), new byte[SIZE]);
        try (TestServer ts = TestServer.start(dir, b -> b.bandwidth(RATE, 0));
             RawClient other = ts.rawLoggedIn();
             RawClient c = ts.rawLoggedIn()) {
            FtpServer server = ts.server();
            c.expect("TYPE I", 200);
            Socket data = c.passiveData();
            c.expect("RETR big.bin", 1);
            assertTrue(data.getInputStream().read() >= 0);
            String id = server.sessions().stream().filter(s -> s.transfer() != null).findFirst().orElseThrow().id();

            assertEquals(List.of(id), server.kick(id));
            assertTrue(c.reply().startsWith("426"), "the transfer's command is answered first");
            assertEquals("421 Session ended by the administrator.", c.reply());
            assertNull(c.reply(), "then the control connection closes");
            // the data connection is closed too: it reaches its end well before the 4 MiB
            long n = 0;
            InputStream in = data.getInputStream();
            byte[] buf = new byte[65536];
            for (int r; (r = in.read(buf)) >= 0; ) {
                n += r;
            }
            assertTrue(n < SIZE, "data connection closed early, after " + n + " bytes");
            data.close();
            Await.until(Duration.ofSeconds(10), "only the other session left", () -> server.sessionCount() == 1);
            assertTrue(other.command("NOOP").startsWith("200"), "the other session goes on");
        }
    }

    @Test
    void kickOfAnUploadAbortsItAsAborWouldAndTheOldFileStays() throws Exception {
        Files.writeString(dir.resolve("keep.txt"), "old content");
        try (TestServer ts = TestServer.start(dir); RawClient c = ts.rawLoggedIn()) {
            FtpServer server = ts.server();
            c.expect("TYPE I", 200);
            Socket data = c.passiveData();
            c.expect("STOR keep.txt", 1);
            OutputStream out = data.getOutputStream();
            out.write(new byte[100_000]);
            out.flush();
            Await.until(Duration.ofSeconds(10), "the upload shows its bytes", () -> {
                SessionInfo.Transfer t = only(server, "u").transfer();
                return t != null && t.upload() && t.bytes() == 100_000 && t.size() == -1 && t.progress() == -1;
            });
            assertEquals(1, server.kick("u").size());
            assertTrue(c.reply().startsWith("426"));
            assertEquals("421 Session ended by the administrator.", c.reply());
            data.close();
            Await.until(Duration.ofSeconds(10), "session gone", () -> server.sessionCount() == 0);
            // an aborted replacing upload leaves the old file as it was and no temporary behind
            assertEquals("old content", Files.readString(dir.resolve("keep.txt")));
            try (var files = Files.list(dir)) {
                assertEquals(List.of("keep.txt"), files.map(p -> p.getFileName().toString()).toList());
            }
        }
    }

    @Test
    void kickByAddressEndsEveryMatchingSessionAndUnknownTargetsNone() throws Exception {
        try (TestServer ts = TestServer.start(dir);
             RawClient a = ts.rawLoggedIn();
             RawClient b = ts.raw()) {
            b.reply();
            FtpServer server = ts.server();
            Await.until(Duration.ofSeconds(5), "both registered", () -> server.sessionCount() == 2);
            assertEquals(List.of(), server.kick("nobody"));
            assertEquals(List.of(), server.kick("10.1.2.3"));
            assertEquals(List.of(), server.kick(""));
            String one = server.kick("127.0.0.1:" + a.socket().getLocalPort()).get(0);
            assertEquals("421 Session ended by the administrator.", a.reply());
            assertFalse(server.sessions().stream().anyMatch(s -> s.id().equals(one)));
            assertEquals(1, server.kick("127.0.0.1").size());
            assertEquals("421 Session ended by the administrator.", b.reply());
            Await.until(Duration.ofSeconds(10), "all gone", () -> server.sessionCount() == 0);
            assertEquals(List.of(), server.sessions());
        }
    }

    @Test
    void aLoopThreadMayNotWaitForTheLoops() throws Exception {
        try (TestServer ts = TestServer.start(dir)) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            ServerInternals.onLoop(ts.server(), 0, () -> {
                try {
                    ts.server().sessions();
                    thrown.complete(null);
                } catch (Throwable t) {
                    thrown.complete(t);
                }
            });
            assertTrue(thrown.get(10, TimeUnit.SECONDS) instanceof IllegalStateException);
            assertThrows(NullPointerException.class, () -> ts.server().kick(null));
        }
    }

    @Test
    void kickTargetsAreReadAsIpLiteralsWithoutANameLookup() throws Exception {
        assertEquals(java.net.InetAddress.getByName("127.0.0.1"), Engine.ipLiteral("127.0.0.1"));
        assertEquals(java.net.InetAddress.getByName("::1"), Engine.ipLiteral("::1"));
        assertEquals(java.net.InetAddress.getByName("::1"), Engine.ipLiteral("[0:0:0:0:0:0:0:1]"));
        assertNull(Engine.ipLiteral("999.1.1.1"), "not an address, and not looked up as a name");
        assertNull(Engine.ipLiteral("a::b::c"));
        assertNull(Engine.ipLiteral("alice"));
        assertNull(Engine.ipLiteral("12"));
    }
}

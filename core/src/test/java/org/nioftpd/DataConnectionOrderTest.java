package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * The order of events around a transfer (RFC 959 5.4 and 4.2): 125 when the
 * data connection is already open, 150 when it is still to come; 226 only
 * once the data connection is closed, so that a client that has seen 226 has
 * all the data.
 */
@Timeout(60)
class DataConnectionOrderTest {

    @TempDir
    Path dir;
    TestServer server;
    final byte[] content = new byte[100_000];

    @BeforeEach
    void start() throws IOException {
        new Random(3).nextBytes(content);
        server = TestServer.start(dir);
        Files.write(dir.resolve("f.bin"), content);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * The server stops listening on a passive port as soon as it has accepted
     * the connection: a refused probe is how a client can know it was accepted.
     */
    static void awaitAccepted(RawClient r, int port) {
        Await.until(Duration.ofSeconds(10), "the server to accept the data connection", () -> {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(r.socket().getInetAddress(), port), 5_000);
                return false;
            } catch (ConnectException refused) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void connectionBeforeRetrGets125() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = r.connectData(port)) {
                awaitAccepted(r, port);
                r.expect("RETR f.bin", 125);
                assertArrayEquals(content, RawClient.readAll(data));
            }
            assertTrue(r.reply().startsWith("226 "));
        }
    }

    @Test
    void connectionAfterRetrGets150() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            r.expect("RETR f.bin", 150);
            try (Socket data = r.connectData(port)) {
                assertArrayEquals(content, RawClient.readAll(data));
            }
            assertTrue(r.reply().startsWith("226 "));
        }
    }

    @Test
    void connectionBeforeStorAndList() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = r.connectData(port)) {
                awaitAccepted(r, port);
                r.expect("STOR up.bin", 125);
                try (OutputStream out = data.getOutputStream()) {
                    out.write(content);
                }
            }
            assertTrue(r.reply().startsWith("226 "));
            assertArrayEquals(content, Files.readAllBytes(dir.resolve("up.bin")));

            port = r.pasv();
            try (Socket data = r.connectData(port)) {
                awaitAccepted(r, port);
                r.expect("NLST", 125);
                String names = new String(RawClient.readAll(data), StandardCharsets.UTF_8);
                assertEquals(2, names.split("\r\n").length, names);
            }
            assertTrue(r.reply().startsWith("226 "));
        }
    }

    @Test
    void connectionAfterStorGets150() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            r.expect("STOR up.bin", 150);
            try (Socket data = r.connectData(port); OutputStream out = data.getOutputStream()) {
                out.write(content);
            }
            assertTrue(r.reply().startsWith("226 "));
            assertArrayEquals(content, Files.readAllBytes(dir.resolve("up.bin")), "complete when 226 is sent");
        }
    }

    /** A client that reads 226 first must still find all the data, then the end, on its data socket. */
    @Test
    void after226TheDataIsCompleteAndClosed() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            for (int i = 0; i < 20; i++) {
                try (Socket data = r.passiveData()) {
                    r.expect("RETR f.bin", 1);
                    assertTrue(r.reply().startsWith("226 "), "226 can come before we read: the data fits in the socket buffers");
                    assertArrayEquals(content, RawClient.readAll(data), "all of it, then EOF, at once");
                }
            }
        }
    }

    /** A download that cannot fit in the socket buffers: no 226 while the data is unread; 226 after EOF. */
    @Test
    void no226WhileDataIsUnread() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("sparse.bin").toFile(), "rw")) {
            f.setLength(64L * 1024 * 1024);
        }
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = new Socket()) {
                data.setReceiveBufferSize(16 * 1024);
                data.connect(new InetSocketAddress(r.socket().getInetAddress(), port), 10_000);
                data.setSoTimeout(20_000);
                r.expect("RETR sparse.bin", 1);
                InputStream in = data.getInputStream();
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                int n;
                boolean checkedEarly = false;
                while ((n = in.read(buf)) >= 0) {
                    total += n;
                    if (!checkedEarly && total > 1024 * 1024) {
                        assertFalse(r.replyWaiting(), "no reply while 63 MB are still to come");
                        checkedEarly = true;
                    }
                }
                assertEquals(64L * 1024 * 1024, total);
            }
            assertTrue(r.reply().startsWith("226 "));
        }
    }

    @Test
    void earlyConnectionClosedByTheClientFailsTheTransferNotTheSession() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            Socket data = r.connectData(port);
            try {
                awaitAccepted(r, port);
            } finally {
                data.close();
            }
            r.expect("STOR gone.bin", 1);
            String reply = r.reply();
            // the server may see the close as an empty upload or as a failure; either way it says so once
            assertTrue(reply.startsWith("226 ") || reply.startsWith("426 ") || reply.startsWith("425 "), reply);
            assertTrue(r.command("NOOP").startsWith("200 "));
        }
    }

    @Test
    void passiveListenerTimesOut() throws IOException {
        server.close();
        server = TestServer.start(dir, b -> b.acceptTimeout(Duration.ofMillis(300)));
        try (RawClient r = server.rawLoggedIn()) {
            r.pasv();
            r.expect("RETR f.bin", 150);
            String reply = r.reply();
            assertTrue(reply.startsWith("425 "), reply);
            assertTrue(r.command("NOOP").startsWith("200 "));
        }
    }
}

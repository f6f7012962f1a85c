package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** Every wait is bounded: the idle control connection, the stalled transfer, the client that never reads. */
@Timeout(30)
class TimeoutsTest {

    @TempDir
    Path dir;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Channels registered on all loops: the listener alone once every session is really gone. */
    int registeredKeys() {
        return server.server().loops().loops().stream().mapToInt(EventLoop::registeredKeys).sum();
    }

    @Test
    void idleSessionGets421AndIsClosed() throws IOException {
        server = TestServer.start(dir, b -> b.idleTimeout(Duration.ofMillis(300)));
        try (RawClient r = server.rawLoggedIn()) {
            String reply = r.reply(); // sent by the server on its own, within the socket timeout
            assertTrue(reply.startsWith("421 "), reply);
            LoginTest.assertClosed(r);
        }
        Await.until(Duration.ofSeconds(10), "session gone", () -> server.server().sessionCount() == 0);
        Await.until(Duration.ofSeconds(10), "socket released", () -> registeredKeys() == 1);
    }

    @Test
    void idleTimeoutBeforeLoginToo() throws IOException {
        server = TestServer.start(dir, b -> b.idleTimeout(Duration.ofMillis(300)));
        try (RawClient r = server.raw()) {
            assertTrue(r.reply().startsWith("220 "));
            assertTrue(r.reply().startsWith("421 "));
        }
    }

    /** The reader is paced (a pause between reads) so that the transfer outlasts the idle timeout several times. */
    @Test
    void aMovingTransferKeepsTheSessionAlive() throws IOException {
        server = TestServer.start(dir, b -> b.idleTimeout(Duration.ofMillis(300)));
        byte[] content = new byte[1024 * 1024];
        new java.util.Random(1).nextBytes(content);
        Files.write(dir.resolve("f.bin"), content);
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = new Socket()) {
                data.setReceiveBufferSize(8 * 1024);
                data.connect(new InetSocketAddress(r.socket().getInetAddress(), port), 10_000);
                data.setSoTimeout(20_000);
                r.expect("RETR f.bin", 1);
                InputStream in = data.getInputStream();
                byte[] got = new byte[content.length];
                int total = 0;
                long start = System.nanoTime();
                while (total < got.length) {
                    int n = in.read(got, total, Math.min(8 * 1024, got.length - total));
                    if (n < 0) {
                        break;
                    }
                    total += n;
                    if (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1200)) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // pacing, not waiting
                    }
                }
                assertArrayEquals(content, got);
                assertEquals(-1, in.read());
            }
            assertTrue(r.reply().startsWith("226 "), "not 421: the transfer was moving");
        }
    }

    @Test
    void aStalledTransferEndsWith426AndTheSessionGoesOn() throws IOException {
        server = TestServer.start(dir, b -> b.dataTimeout(Duration.ofMillis(300)));
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("big.bin").toFile(), "rw")) {
            f.setLength(256L * 1024 * 1024);
        }
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = new Socket()) {
                data.setReceiveBufferSize(16 * 1024);
                data.connect(new InetSocketAddress(r.socket().getInetAddress(), port), 10_000);
                r.expect("RETR big.bin", 1);
                // nobody reads: the transfer stalls
                String reply = r.reply();
                assertTrue(reply.startsWith("426 "), reply);
            }
            assertTrue(r.command("NOOP").startsWith("200 "));
        }
    }

    /**
     * Bug: a session closed after its last replies (421 on idle, 221 on QUIT)
     * waited for the client to read them with no time limit; a client that
     * never read kept its socket, and its selector key, open forever.
     */
    @Test
    void closedSessionWhoseClientNeverReadsIsReleased() throws IOException {
        for (int i = 0; i < 400; i++) {
            Files.createFile(dir.resolve("some-file-with-a-long-name-".repeat(6) + i));
        }
        server = TestServer.start(dir, b -> b.idleTimeout(Duration.ofMillis(500)));
        try (SocketChannel ch = SocketChannel.open()) {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            ch.connect(new InetSocketAddress(server.server().addresses().get(0).getAddress(), server.port()));
            ch.configureBlocking(false);
            // ~90 KB of reply per STAT: the session stops at 64 KB of unread replies, and nobody reads
            ByteBuffer commands = ByteBuffer.wrap(("USER u\r\nPASS p\r\n" + "STAT /\r\n".repeat(200))
                    .getBytes(StandardCharsets.US_ASCII));
            ch.write(commands);
            Await.until(Duration.ofSeconds(10), "the session to time out", () -> server.server().sessionCount() == 0);
            Await.until(Duration.ofSeconds(10), "its socket to be closed though unread", () -> registeredKeys() == 1);
        }
    }
}

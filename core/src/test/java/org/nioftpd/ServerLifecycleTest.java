package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** Embedding: start on port 0, close with sessions open, a start that fails. */
@Timeout(30)
class ServerLifecycleTest {

    @TempDir
    Path dir;

    @Test
    void portZeroBecomesARealPort() throws IOException {
        try (TestServer server = TestServer.start(dir)) {
            assertTrue(server.port() > 0);
            assertEquals(InetAddress.getByName("127.0.0.1"), server.server().addresses().get(0).getAddress());
        }
    }

    @Test
    void closeEndsOpenSessionsAndStopsListening() throws IOException {
        TestServer server = TestServer.start(dir);
        int port = server.port();
        try (RawClient r = server.rawLoggedIn()) {
            server.close();
            try {
                assertNull(r.reply(), "the session was closed");
            } catch (java.net.SocketException reset) {
                // closed too
            }
        }
        assertEquals(0, server.server().sessionCount());
        assertThrows(ConnectException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5_000);
            }
        });
    }

    @Test
    void startTwiceIsRefused() throws IOException {
        try (TestServer server = TestServer.start(dir)) {
            assertThrows(IllegalStateException.class, () -> server.server().start());
        }
    }

    /**
     * Bug: when a listen address could not be bound, start() failed before the
     * loops ran, and close() then waited 10 s for loops that had never started
     * (and their selectors stayed open).
     */
    @Test
    void closeAfterAFailedStartDoesNotWaitForLoopsThatNeverRan() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            FtpServer s = FtpServer.builder().root(dir).loops(2)
                    .listen(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))
                    .listen(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), taken.getLocalPort()))
                    .build();
            IOException e = assertThrows(IOException.class, s::start);
            assertTrue(e.getMessage().contains(Integer.toString(taken.getLocalPort())), e.getMessage());
            // a hang detector, not a speed test: the bug waited 10 s
            assertTimeoutPreemptively(Duration.ofSeconds(5), s::close);
        }
    }
}

package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * 200 sessions at once, each its own client on its own thread: all logged in
 * together, then each uploads, downloads and verifies its own file. And when
 * they are gone, by QUIT or by dropping the connection, the server counts none.
 */
@Timeout(120)
class ConcurrentSessionsTest {

    static final int SESSIONS = 200;

    @TempDir
    Path dir;
    TestServer server;
    ExecutorService pool;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(dir);
        pool = Executors.newFixedThreadPool(SESSIONS);
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
        server.close();
    }

    @Test
    void twoHundredSessionsTransferAtOnce() throws Exception {
        CountDownLatch allLoggedIn = new CountDownLatch(SESSIONS);
        AtomicInteger maxSeen = new AtomicInteger();
        List<Future<?>> results = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            int id = i;
            results.add(pool.submit(() -> {
                FTPClient c = null;
                try {
                    c = server.client();
                } finally {
                    allLoggedIn.countDown(); // counted even on failure: nobody waits for a dead session
                }
                try {
                    assertTrue(allLoggedIn.await(60, TimeUnit.SECONDS), "all sessions logged in");
                    maxSeen.accumulateAndGet(server.server().sessionCount(), Math::max);
                    byte[] content = new byte[10_000 + id * 37];
                    new Random(id).nextBytes(content);
                    String name = "s" + id + ".bin";
                    assertTrue(c.storeFile(name, new ByteArrayInputStream(content)), c.getReplyString());
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    assertTrue(c.retrieveFile(name, out), c.getReplyString());
                    assertArrayEquals(content, out.toByteArray(), name);
                    assertTrue(c.logout());
                } finally {
                    c.disconnect();
                }
                return null;
            }));
        }
        for (Future<?> f : results) {
            f.get(100, TimeUnit.SECONDS); // rethrows the first failure
        }
        assertEquals(SESSIONS, maxSeen.get(), "all sessions were open at the same time");
        try (var files = Files.list(dir)) {
            assertEquals(SESSIONS, files.count());
        }
        Await.until(Duration.ofSeconds(20), "every session closed", () -> server.server().sessionCount() == 0);
    }

    @Test
    void droppedConnectionsAreCountedOut() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 50; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), server.port()), 10_000);
                sockets.add(s);
            }
            Await.until(Duration.ofSeconds(20), "50 sessions open", () -> server.server().sessionCount() == 50);
            try (RawClient r = server.rawLoggedIn()) {
                r.passiveData().close(); // a session with a passive listener and a data connection, then dropped
                assertEquals(51, server.server().sessionCount());
            }
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
        Await.until(Duration.ofSeconds(20), "every session closed", () -> server.server().sessionCount() == 0);
    }

    @Test
    void sessionCountFollowsQuitAndDrop() throws Exception {
        FTPClient quits = server.client();
        FTPClient drops = server.client();
        assertEquals(2, server.server().sessionCount());
        assertTrue(quits.logout());
        quits.disconnect();
        Await.until(Duration.ofSeconds(10), "the QUIT session closed", () -> server.server().sessionCount() == 1);
        drops.disconnect(); // no QUIT
        Await.until(Duration.ofSeconds(10), "the dropped session closed", () -> server.server().sessionCount() == 0);
    }
}

package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.auth.InMemoryAuthenticator;
import org.nioftpd.testing.Await;

class FtpServerLifecycleTest {

    @TempDir
    Path dir;

    /** Regression: a failed bind left loops that were never started, and close() waited 10 s for them. */
    @Test
    @Timeout(3)
    void failedStartReportsTheAddressAndClosesAtOnce() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress busy = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
            FtpServer server = FtpServer.builder().root(dir).listen(busy).build();
            IOException e = assertThrows(IOException.class, server::start);
            assertTrue(e.getMessage().contains("cannot listen on") && e.getMessage().contains(
                    String.valueOf(taken.getLocalPort())), e.getMessage());
            server.close();
        }
    }

    /**
     * Regression (hostile-load issue, item 1): after an out-of-memory killed the
     * loops the server still accepted connections and answered no one. By
     * default a dead loop now closes the server: its port stops accepting.
     */
    @Test
    @Timeout(30)
    void aLoopThatDiesClosesTheServerByDefault() throws Exception {
        FtpServer server = FtpServer.builder().root(dir).listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .loops(2).build();
        try {
            server.start();
            int port = server.port();
            assertTrue(accepts(port));
            server.loops().get(1).execute(() -> {
                throw new OutOfMemoryError("simulated");
            });
            Await.until(Duration.ofSeconds(20), "port " + port + " closed", () -> !accepts(port));
        } finally {
            server.close();
        }
    }

    @Test
    @Timeout(30)
    void aLoopThatDiesTellsTheEmbeddersHandler() throws Exception {
        CompletableFuture<Throwable> told = new CompletableFuture<>();
        try (FtpServer server = FtpServer.builder().root(dir)
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).loops(1)
                .onFatalError(told::complete).build()) {
            server.start();
            server.loops().get(0).execute(() -> {
                throw new StackOverflowError("simulated");
            });
            assertEquals("simulated", told.get(20, TimeUnit.SECONDS).getMessage());
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Regression: with a real user "ftp", "FTP" logged in as anonymous instead of being refused. */
    @Test
    void anonymousNameInAnotherCaseIsTheRealUser() {
        InMemoryAuthenticator auth = new InMemoryAuthenticator().addUser("ftp", "secret", dir, true).anonymous(dir);
        assertNull(auth.authenticate("FTP", "whatever"));
        assertTrue(auth.authenticate("ftp", "secret").writable());
        assertTrue(auth.authenticate("anonymous", "me@").anonymous());
    }
}

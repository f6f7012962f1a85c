package org.nioftpd.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.reactor.EventLoopGroup;
import org.nioftpd.testing.Await;

/**
 * Issue 19, item 4: out of file descriptors, the acceptor does not spin. A
 * failing {@code accept} (the seam fails as the JDK does on EMFILE, "Too many
 * open files") pauses accepting with a doubling back-off: the number of
 * accept calls stays within two per pause (the accept and the reserve's), the
 * log within one line per pause; the descriptor in reserve tells a waiting
 * client 421; and clients are served again once accepts work. Checked against
 * the acceptor before the back-off: thousands of calls and log lines, no 421.
 */
@Timeout(60)
class AcceptBackoffTest {

    private final Logger acceptorLog = Logger.getLogger(Acceptor.class.getName());
    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logLines.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private EventLoopGroup group;
    private ServerSocketChannel listener;
    private Acceptor acceptor;
    private final AtomicLong calls = new AtomicLong();
    /** What "out of descriptors" means for this run, asked before each accept; false: accept works. */
    private volatile Supplier<Boolean> out = () -> false;

    @BeforeEach
    void start() throws Exception {
        acceptorLog.addHandler(capture);
        group = new EventLoopGroup(1, "accept-test", (loop, cause) -> { });
        group.start();
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        Acceptor.AcceptFunction failing = () -> {
            calls.incrementAndGet();
            if (out.get()) {
                throw new IOException("Too many open files");
            }
            return listener.accept();
        };
        acceptor = new Acceptor(listener, group.get(0), group, (loop, endPoint) -> {
            try {
                endPoint.flush(ByteBuffer.wrap("220 served\r\n".getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                endPoint.close();
            }
        }, failing);
        onLoop(() -> {
            try {
                acceptor.register();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return null;
        });
    }

    @AfterEach
    void stop() throws Exception {
        acceptorLog.removeHandler(capture);
        acceptor.close();
        group.shutdown();
        group.awaitTermination(10, TimeUnit.SECONDS);
    }

    private <T> T onLoop(Supplier<T> what) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        group.get(0).execute(() -> {
            try {
                f.complete(what.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    private long failedLines() {
        return logLines.stream().filter(l -> l.startsWith("accept failed")).count();
    }

    private int port() throws IOException {
        return ((InetSocketAddress) listener.getLocalAddress()).getPort();
    }

    private static String firstLine(Socket s) throws IOException {
        s.setSoTimeout(20_000);
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }

    @Test
    void failingAcceptsBackOffInsteadOfSpinningAndRecover() throws Exception {
        out = () -> true; // even the reserve cannot help: every accept fails (ENFILE, system-wide)
        try (Socket waiting = new Socket(InetAddress.getLoopbackAddress(), port())) {
            // the waiting connection keeps the listener ready: without a pause, every wakeup asks again
            Await.until(Duration.ofSeconds(20), "ten accept calls", () -> calls.get() >= 10);
            long[] snapshot = onLoop(() -> new long[] {acceptor.pauses(), calls.get()});
            long pauses = snapshot[0];
            long made = snapshot[1];
            assertTrue(made <= 2 * pauses + 2, made + " accept calls over " + pauses + " pauses");
            assertTrue(failedLines() <= pauses, failedLines() + " log lines over " + pauses + " pauses");
            assertTrue(failedLines() >= 1, "the failure is logged");
            out = () -> false;
            assertEquals("220 served", firstLine(waiting), "the waiting client is served once accepts work");
        }
        try (Socket next = new Socket(InetAddress.getLoopbackAddress(), port())) {
            assertEquals("220 served", firstLine(next));
        }
        assertTrue(logLines.stream().anyMatch(l -> l.startsWith("accepting again after")), logLines.toString());
    }

    @Test
    void theReserveDescriptorTellsAWaitingClient421() throws Exception {
        // As in a real EMFILE: with the reserve held there is no descriptor; released, there is one.
        out = () -> acceptor.reserveHeld();
        try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), port())) {
            String line = firstLine(refused);
            assertTrue(line != null && line.startsWith("421 "), String.valueOf(line));
            assertNull(firstLine(refused), "then closed");
        }
        assertTrue(onLoop(acceptor::reserveHeld), "the reserve is taken back");
        out = () -> false;
        try (Socket next = new Socket(InetAddress.getLoopbackAddress(), port())) {
            assertEquals("220 served", firstLine(next));
        }
    }
}

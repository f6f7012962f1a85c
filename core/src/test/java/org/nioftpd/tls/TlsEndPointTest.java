package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.testing.Await;
import org.nioftpd.transport.EndPoint;
import org.nioftpd.transport.SocketEndPoint;

/**
 * The codec's ends, one TlsEndPoint on a real loop and a JDK client over
 * loopback, without FTP above: what FtpsProtocolTest cannot pin from a
 * reply code. Which end of the input state machine a control and a data
 * connection reach (-1, TruncatedException, a failed handshake), that the
 * end comes after every byte and says the same when asked again, and a
 * shutdown asked for before the handshake is done. Running with -ea
 * (surefire's default), each state change also checks its arrow in the
 * class comment's table.
 */
@Timeout(30)
class TlsEndPointTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final SSLContext SERVER = KeyMaterial.fromPem(
            TlsTesting.fixture("rsa-cert.pem"), TlsTesting.fixture("rsa-key.pem")).sslContext();
    private static final SSLContext CLIENT = TlsTesting.clientContext();

    private EventLoop loop;
    private ExecutorService workers;
    private ServerSocketChannel listener;
    private final TlsConfig config = new TlsConfig(SERVER, false, false);

    @BeforeEach
    void start() throws IOException {
        loop = new EventLoop("tls-endpoint-test");
        loop.start();
        workers = Executors.newFixedThreadPool(1);
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() throws Exception {
        listener.close();
        loop.shutdown();
        workers.shutdownNow();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** What the handler above the endpoint saw: plaintext, then how the input ended (twice: the end is sticky). */
    private static final class Reader implements EndPoint.Handler {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        /** "-1" or an exception, per fill call that did not return bytes or 0. */
        final List<Object> ends = new CopyOnWriteArrayList<>();
        volatile Throwable failure;
        TlsEndPoint endPoint;

        @Override
        public void onReadable() {
            ByteBuffer b = ByteBuffer.allocate(4096);
            while (ends.isEmpty()) {
                b.clear();
                Object end = fillOnce(b);
                if (end == null) {
                    return; // 0: nothing more now
                }
                if (!end.equals("bytes")) {
                    ends.add(end);
                    ends.add(fillOnce(b)); // asked again, the end must say the same
                    endPoint.readInterest(false);
                }
            }
        }

        private Object fillOnce(ByteBuffer b) {
            try {
                int n = endPoint.fill(b);
                if (n > 0) {
                    synchronized (received) {
                        received.write(b.array(), 0, n);
                    }
                    return "bytes";
                }
                return n < 0 ? "-1" : null;
            } catch (IOException e) {
                return e;
            }
        }

        @Override
        public void onWritable() {
        }

        @Override
        public void onFailure(Throwable cause) {
            failure = cause;
        }

        byte[] bytes() {
            synchronized (received) {
                return received.toByteArray();
            }
        }
    }

    /** Accepts the client's connection and puts a TlsEndPoint (control or data) with a {@link Reader} on it. */
    private Reader serve(boolean data) throws Exception {
        SocketChannel ch = listener.accept();
        ch.configureBlocking(false);
        Reader reader = new Reader();
        CompletableFuture<TlsEndPoint> made = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                SocketEndPoint raw = new SocketEndPoint(loop, ch);
                TlsEndPoint tls = data ? TlsEndPoint.forData(raw, config.newEngine(), workers, null)
                        : TlsEndPoint.forControl(raw, config.newEngine(), workers, null);
                reader.endPoint = tls;
                tls.handler(reader);
                tls.readInterest(true);
                made.complete(tls);
            } catch (Throwable t) {
                made.completeExceptionally(t);
            }
        });
        made.get(10, TimeUnit.SECONDS);
        return reader;
    }

    private Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), listener.socket().getLocalPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** TLS over {@code plain}, which the test may close (FIN, no close_notify) under it. */
    private static SSLSocket tls(Socket plain) throws IOException {
        SSLSocket s = (SSLSocket) CLIENT.getSocketFactory().createSocket(plain, "localhost", plain.getPort(), false);
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    // ------------------------------------------------- a peer that says nothing

    /** The control counterpart, ABANDONED and read as -1, is FtpsProtocolTest's port probe. */
    @Test
    void aDataPeerThatLeavesBeforeItsFirstByteFailsTheHandshake() throws Exception {
        connect().close();
        Reader r = serve(true);
        Await.until(WAIT, "the failure", () -> r.failure != null);
        assertInstanceOf(SSLHandshakeException.class, r.failure);
        assertEquals(List.of(), r.ends, "not an end of stream: the data connection never started");
    }

    // ---------------------------------------------- FIN without close_notify

    @Test
    @SuppressWarnings("try") // the FIN mid-block is the test: the resource's own close comes after
    void aControlFinWithoutCloseNotifyEndsCleanlyAfterEveryByte() throws Exception {
        byte[] sent = TlsTesting.randomBytes(50_000, 11);
        try (Socket plain = connect()) {
            Reader r = serve(false);
            SSLSocket s = tls(plain);
            s.getOutputStream().write(sent);
            s.getOutputStream().flush();
            plain.close(); // FIN, no close_notify: a client that drops the line after QUIT
            Await.until(WAIT, "the end is read", () -> !r.ends.isEmpty());
            assertArrayEquals(sent, r.bytes());
            assertEquals(List.of("-1", "-1"), r.ends);
            assertNull(r.failure);
        }
    }

    @Test
    @SuppressWarnings("try") // the FIN mid-block is the test: the resource's own close comes after
    void aDataFinWithoutCloseNotifyIsTruncatedAfterEveryByte() throws Exception {
        byte[] sent = TlsTesting.randomBytes(50_000, 12);
        try (Socket plain = connect()) {
            Reader r = serve(true);
            SSLSocket s = tls(plain);
            s.getOutputStream().write(sent);
            s.getOutputStream().flush();
            plain.close();
            Await.until(WAIT, "the end is read", () -> !r.ends.isEmpty());
            assertArrayEquals(sent, r.bytes(), "what came before the FIN is delivered first");
            assertEquals(2, r.ends.size());
            assertInstanceOf(TlsEndPoint.TruncatedException.class, r.ends.get(0));
            assertInstanceOf(TlsEndPoint.TruncatedException.class, r.ends.get(1));
        }
    }

    @Test
    void aFinInMidRecordIsTruncatedEvenOnAControlConnection() throws Exception {
        try (CuttingSocket plain = new CuttingSocket()) {
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.socket().getLocalPort()));
            plain.setSoTimeout(10_000);
            Reader r = serve(false);
            SSLSocket s = tls(plain);
            s.getOutputStream().write("NOOP\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            Await.until(WAIT, "the first record is read", () -> r.bytes().length == 6);
            plain.cut = true; // the next record: its first half, then FIN
            s.getOutputStream().write(TlsTesting.randomBytes(1000, 14));
            s.getOutputStream().flush();
            Await.until(WAIT, "the end is read", () -> !r.ends.isEmpty());
            assertEquals(6, r.bytes().length, "nothing of the cut record");
            assertInstanceOf(TlsEndPoint.TruncatedException.class, r.ends.get(0));
        }
    }

    /** Once {@code cut} is set, sends the first half of the next write (one TLS record), then FIN. */
    private static final class CuttingSocket extends Socket {
        volatile boolean cut;

        @Override
        public OutputStream getOutputStream() throws IOException {
            OutputStream out = super.getOutputStream();
            return new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (!cut) {
                        out.write(b, off, len);
                        return;
                    }
                    out.write(b, off, len / 2);
                    out.flush();
                    shutdownOutput();
                    cut = false;
                }
            };
        }
    }

    // --------------------------------------------------------------- output

    @Test
    void aShutdownAskedBeforeTheHandshakeSendsCloseNotifyOnceItIsDone() throws Exception {
        try (Socket plain = connect()) {
            Reader r = serve(true);
            CompletableFuture<Boolean> pending = new CompletableFuture<>();
            loop.execute(() -> {
                try {
                    r.endPoint.shutdownOutput(); // the client has not sent its ClientHello yet
                    pending.complete(r.endPoint.hasPendingOutput());
                } catch (Throwable t) {
                    pending.completeExceptionally(t);
                }
            });
            assertTrue(pending.get(10, TimeUnit.SECONDS), "close_notify waits for the handshake: output pending");
            SSLSocket s = tls(plain);
            InputStream in = s.getInputStream();
            // SSLSocket reads a FIN without close_notify as an SSLException: -1 means close_notify came.
            assertEquals(-1, in.read());
            CompletableFuture<Boolean> after = new CompletableFuture<>();
            loop.execute(() -> after.complete(r.endPoint.hasPendingOutput()));
            assertFalse(after.get(10, TimeUnit.SECONDS), "close_notify and FIN are out");
            assertNull(r.failure);
        }
    }
}

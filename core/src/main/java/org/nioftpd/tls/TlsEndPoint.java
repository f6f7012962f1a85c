package org.nioftpd.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSession;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.transport.EndPoint;
import org.nioftpd.transport.SocketEndPoint;

// About 1,000 lines, twice the ~500 we aim for, and one class still: its three state
// machines share one SSLEngine and three buffers, and most transitions read all three.
/**
 * TLS under the protocol: an {@link EndPoint} that wraps another (a plain
 * {@link SocketEndPoint}) and speaks TLS through a JDK {@link SSLEngine}, on
 * the same loop, without blocking it. The protocol above (a control
 * connection, a transfer) reads and writes plaintext as before and never
 * knows; the endpoint below moves the records.
 *
 * <p><b>Buffers</b>, all bounded and sized from the engine's session:
 * {@code netIn} holds received records not yet decrypted (one packet),
 * {@code appIn} decrypted bytes the handler has not read yet (one record's
 * plaintext), {@code netOut} encrypted bytes the socket has not taken yet
 * (one packet for a control connection, {@link #forControl}; four for a
 * data connection, {@link #forData}, so that one write moves several
 * records). Bytes accepted by {@link #flush} may wait in {@code netOut}:
 * {@link #hasPendingOutput} says so, and a download waits for it before it
 * closes.
 *
 * <p><b>Handshake.</b> Server side, driven by readiness like everything else:
 * NEED_UNWRAP reads (OP_READ only while a record is incomplete), NEED_WRAP
 * writes (OP_WRITE only while {@code netOut} is not drained), NEED_TASK runs
 * the engine's delegated tasks (certificate signing, key agreement: milliseconds
 * of CPU) on the worker pool, off the loop, and resumes on the loop through
 * {@link EventLoop#execute}. Meanwhile the loop serves other connections and
 * this one asks for no readiness at all. Until the handshake is done
 * {@link #fill} and {@link #flush} move nothing (0), and the handler is called
 * back when they can.
 *
 * <p><b>No busy spin, no stall.</b> One socket read may bring several
 * records, and a handler may read only part of them (the control connection
 * reads 4 KB at a time). Bytes already in {@code appIn} or whole records in
 * {@code netIn} will never make the socket readable again, so while the
 * handler wants input and they are there, {@link Handler#onReadable} is called
 * again from a loop task; never when the handler took nothing (that would
 * spin), never for half a record (that waits for OP_READ).
 *
 * <p><b>Close.</b> {@link #shutdownOutput} sends close_notify, then FIN.
 * {@link #fill} returns -1 only after the peer's close_notify, except on a
 * control connection (a client that drops the TCP connection after QUIT
 * loses nothing); on a data connection a FIN in mid-record is a
 * {@link TruncatedException}, and so is one at a record boundary without
 * close_notify when the server is strict (RFC 4217; RFC 8446 6.1: a cut upload
 * told from a complete one); by default that one is an end, as in vsftpd and
 * Pure-FTPd (see {@link #forData(EndPoint, SSLEngine, Executor, HandshakeCheck, boolean)}).
 *
 * <p><b>Renegotiation</b> is refused: TLS 1.3 has none; in TLS 1.2 a
 * handshake record after the first handshake can only be the client's new
 * ClientHello, and it closes the connection before the engine sees it
 * (renegotiation costs the server a handshake's CPU per request, and the
 * insecure kind was CVE-2009-3555).
 *
 * <p><b>States.</b> Three small machines, each changed only through its
 * {@code moveTo}, which asserts these arrows and no others:
 * <pre>{@code
 * handshake IN_PROGRESS --finished, check passed--> DONE
 *           IN_PROGRESS --FIN before any byte, control only--> ABANDONED (fill: -1)
 * input     OPEN --FIN--> FIN --fill: -1 (control, no half record left)--> ENDED
 *                         FIN --fill: TruncatedException (otherwise)--> TRUNCATED
 *           OPEN or FIN --close_notify unwrapped--> CLOSE_NOTIFY --fill: -1--> ENDED
 * output    OPEN --shutdownOutput--> SHUTDOWN_REQUESTED --handshake DONE, no task--> CLOSE_NOTIFY
 *                --netOut drained, FIN sent--> SHUT
 *           any but CLOSED --close, a failure below--> CLOSED
 * }</pre>
 * Application data waits for handshake DONE: until then {@link #fill} and
 * {@link #flush} give 0 and a shutdown stays SHUTDOWN_REQUESTED. A failed or
 * refused handshake closes the endpoint (output CLOSED), after which every
 * call returns at once or throws {@link ClosedChannelException}. Across all
 * three, {@code taskRunning}: delegated tasks hold the engine (in the
 * handshake, and after it for TLS 1.3 post-handshake messages), so the loop
 * asks for no readiness and leaves the engine alone until {@link #resume}.
 * The other flags are facts, not states: what the handler asked for
 * ({@code wantRead}, {@code wantWrite}), half a record in {@code netIn}
 * ({@code netInShort}), a dispatch queued, TLS 1.2 negotiated.
 *
 * <p>Every method is called on the loop thread of {@link #loop()}, as are the
 * callbacks; only the delegated tasks run elsewhere, and while they run the
 * loop thread does not touch the engine.
 */
public final class TlsEndPoint implements EndPoint, EndPoint.Handler {

    /**
     * Decides, once the handshake is done, whether the connection may go on:
     * null for yes, else the reason it is refused (it then fails with
     * {@link RefusedException}). Loop thread.
     */
    @FunctionalInterface
    public interface HandshakeCheck {
        String refusal(SSLSession session);
    }

    /** A handshake that completed but that the server's policy refused, such as a data connection that did not resume the control connection's session. */
    public static final class RefusedException extends SSLHandshakeException {
        private static final long serialVersionUID = 1L;

        public RefusedException(String reason) {
            super(reason);
        }
    }

    /** The peer closed the TCP connection without sending close_notify: what it sent may be cut short. */
    public static final class TruncatedException extends SSLException {
        private static final long serialVersionUID = 1L;

        public TruncatedException(String message) {
            super(message);
        }
    }

    /** Largest plaintext of one TLS record (RFC 8446 5.1): what one wrap of a file chunk consumes. */
    private static final int MAX_PLAINTEXT = 1 << 14;
    /** Ceiling for buffer growth: a peer cannot make us allocate more than this per buffer. */
    private static final int MAX_BUFFER = 1 << 17;
    private static final int TLS_HANDSHAKE_RECORD = 22;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** What the two kinds of connection differ in. */
    private enum Role {
        /** One record of output (replies are small). */
        CONTROL(1),
        /** A few records of output, so that one write moves several. */
        DATA(4);

        final int outRecords;

        Role(int outRecords) {
            this.outRecords = outRecords;
        }
    }

    /** The first handshake; changed only by {@link #moveTo(Handshake)}. */
    private enum Handshake {
        /** Records go where the engine's HandshakeStatus says; fill and flush move nothing yet. */
        IN_PROGRESS,
        /** Application data flows (the handshake check, if any, passed). */
        DONE,
        /** The peer closed before its first byte (a port probe, a client that gave up): an end, not a failure. */
        ABANDONED;

        boolean mayBecome(Handshake next) {
            return this == IN_PROGRESS && next != IN_PROGRESS;
        }
    }

    /** What the peer sent, and what {@link #fill} has said of its end; changed only by {@link #moveTo(Input)}. */
    private enum Input {
        /** Records may come. */
        OPEN,
        /** The socket is at end of stream, no close_notify read (yet: whole records left in netIn are still unwrapped). */
        FIN,
        /** The peer's close_notify has been read: the plaintext before it goes to the handler, then -1. */
        CLOSE_NOTIFY,
        /** fill has returned -1. */
        ENDED,
        /** fill has thrown {@link TruncatedException}: FIN without close_notify on a data connection, or in mid-record. */
        TRUNCATED;

        boolean mayBecome(Input next) {
            return switch (this) {
                case OPEN -> next == FIN || next == CLOSE_NOTIFY;
                case FIN -> next == CLOSE_NOTIFY || next == ENDED || next == TRUNCATED;
                case CLOSE_NOTIFY -> next == ENDED;
                case ENDED, TRUNCATED -> false;
            };
        }

        /** Records may still be unwrapped: the peer's, or whole ones left in netIn after its FIN. */
        boolean recordsMayFollow() {
            return this == OPEN || this == FIN;
        }

        /** The end has not been given to the handler yet: it must be, though the socket will not say so again. */
        boolean endPending() {
            return this == FIN || this == CLOSE_NOTIFY;
        }
    }

    /** What we send; changed only by {@link #moveTo(Output)}. */
    private enum Output {
        /** Application data may be written. */
        OPEN,
        /** {@link #shutdownOutput} was called: close_notify waits for the handshake (or a delegated task) to end. */
        SHUTDOWN_REQUESTED,
        /** The engine's outbound side is closed: its close_notify goes through netOut, then FIN. */
        CLOSE_NOTIFY,
        /** close_notify and FIN have gone to the socket. */
        SHUT,
        /** {@link #close} or a failure below: every call returns at once or throws {@link ClosedChannelException}. */
        CLOSED;

        boolean mayBecome(Output next) {
            return next == CLOSED ? this != CLOSED : next.ordinal() == ordinal() + 1;
        }

        /** A shutdown is under way: close_notify or the FIN is still to go out. */
        boolean shutting() {
            return this == SHUTDOWN_REQUESTED || this == CLOSE_NOTIFY;
        }
    }

    private final EndPoint inner;
    private final SSLEngine engine;
    private final Executor tasks;
    private final Role role;
    private final HandshakeCheck check;
    /** A FIN without close_notify is a {@link TruncatedException}, not an end (see {@link #forData}). */
    private final boolean requireCloseNotify;
    /** No TLS 1.3 NewSessionTicket after the handshake (see {@link #forControl}); done once the session is invalidated. */
    private boolean suppressTicket;
    private Handler handler;

    /** Write mode: [0, position) received and not yet unwrapped. */
    private ByteBuffer netIn;
    /** Read mode: [position, limit) decrypted and not yet given to the handler. */
    private ByteBuffer appIn;
    /** Write mode: [0, position) encrypted and not yet taken by the socket. */
    private ByteBuffer netOut;
    /** transferFrom's plaintext chunk, allocated on first use. */
    private ByteBuffer fileChunk;
    private int packetSize;

    private Handshake handshake = Handshake.IN_PROGRESS;
    private Input input = Input.OPEN;
    private Output output = Output.OPEN;
    /** The engine's delegated tasks run on the worker pool: until {@link #resume}, no readiness and no engine call. */
    private boolean taskRunning;
    /** The first handshake negotiated TLS 1.2: a handshake record after it is a renegotiation. */
    private boolean tls12;
    /**
     * What the engine wants to send on its own after the first handshake (the
     * TLS 1.3 NewSessionTicket) waits for our first write or our shutdown:
     * see {@link #finished}.
     */
    private boolean postHandshakeHeld;
    /** What the handler asked for. */
    private boolean wantRead;
    private boolean wantWrite;
    /** The last unwrap found only part of a record in netIn: wait for the socket. */
    private boolean netInShort;
    /** Bytes ever read from the socket: a peer that leaves before sending any has not failed a handshake. */
    private long received;
    /** A loop task will call the handler's onReadable: one at a time. */
    private boolean dispatchQueued;
    /** Counts fill results given to the handler: tells a dispatch that moved something from one that did not. */
    private long delivered;

    /**
     * TLS for a control connection (implicit TLS, AUTH TLS): one record of
     * output buffer; a FIN without close_notify is an end, and a peer that
     * leaves before its first byte (a port probe) is a disconnect, not a
     * failed handshake. Loop thread. Takes over {@code raw}'s handler.
     *
     * @param raw                the connected endpoint, on its loop
     * @param engine             a server-mode engine, protocols and suites set
     * @param tasks              where the engine's delegated tasks run (never the loop)
     * @param initialBytesOrNull bytes already read from the socket (after a PROXY header), or null
     */
    public static TlsEndPoint forControl(EndPoint raw, SSLEngine engine, Executor tasks,
                                         ByteBuffer initialBytesOrNull) throws SSLException {
        return forControl(raw, engine, tasks, initialBytesOrNull, true);
    }

    /**
     * Same, and with {@code sessionTicket} false no TLS 1.3 NewSessionTicket
     * follows the handshake (issue 16, wput). Such a client (wput 0.6.2 on
     * GnuTLS's OpenSSL compatibility layer) reads the control connection with
     * {@code SSL_read}, which returns 0 when {@code gnutls_record_recv} answers
     * GNUTLS_E_AGAIN, and GnuTLS answers that for a record that held only a
     * post-handshake message: the ticket in front of our first reply read as
     * "connection broke down" (strace: its read of the 1,131-byte ticket record,
     * then nothing). The JDK has no switch for one engine (the server session
     * context's timeout above 7 days stops tickets for every connection), but it
     * sends no ticket for a session that is not rejoinable: so once our flight
     * is out and before the client's Finished is read, a TLS 1.3 handshake
     * session is invalidated. Costs: a data connection cannot resume this
     * session under TLS 1.3 (a full handshake each), and TLS 1.2 is untouched
     * (its ticket or session ID travels inside the handshake, which every
     * client reads).
     */
    public static TlsEndPoint forControl(EndPoint raw, SSLEngine engine, Executor tasks,
                                         ByteBuffer initialBytesOrNull, boolean sessionTicket) throws SSLException {
        return new TlsEndPoint(raw, engine, tasks, Role.CONTROL, null, initialBytesOrNull, false, !sessionTicket);
    }

    /**
     * TLS for a data connection (PROT P): four records of output buffer, and
     * the peer's close_notify required at the end, so that a cut upload is a
     * {@link TruncatedException}, not a short file. Loop thread. Takes over
     * {@code raw}'s handler.
     *
     * @param checkOrNull what the completed handshake must satisfy (session reuse), or null
     */
    public static TlsEndPoint forData(EndPoint raw, SSLEngine engine, Executor tasks,
                                      HandshakeCheck checkOrNull) throws SSLException {
        return forData(raw, engine, tasks, checkOrNull, true);
    }

    /**
     * Same, and with {@code requireCloseNotify} false a FIN without
     * close_notify, at a record boundary, is an end like the peer's
     * close_notify (-1 from {@link #fill}); a FIN in mid-record is still a
     * {@link TruncatedException}. What vsftpd (strict_ssl_read_eof=NO, its
     * default) and Pure-FTPd accept, and what wput sends at the end of every
     * upload (issue 16): it closes the socket without SSL_shutdown.
     */
    public static TlsEndPoint forData(EndPoint raw, SSLEngine engine, Executor tasks,
                                      HandshakeCheck checkOrNull, boolean requireCloseNotify) throws SSLException {
        return new TlsEndPoint(raw, engine, tasks, Role.DATA, checkOrNull, null, requireCloseNotify, false);
    }

    /** Wraps {@code inner} and starts the server side of the handshake. */
    private TlsEndPoint(EndPoint inner, SSLEngine engine, Executor tasks, Role role, HandshakeCheck check,
                        ByteBuffer initial, boolean requireCloseNotify, boolean suppressTicket) throws SSLException {
        this.inner = inner;
        this.requireCloseNotify = requireCloseNotify;
        this.suppressTicket = suppressTicket;
        this.engine = engine;
        this.tasks = tasks;
        this.role = role;
        this.check = check;
        SSLSession s = engine.getSession();
        this.packetSize = s.getPacketBufferSize();
        int initialBytes = initial != null ? initial.remaining() : 0;
        this.netIn = ByteBuffer.allocate(Math.max(packetSize, initialBytes));
        if (initial != null) {
            netIn.put(initial);
            received = initialBytes;
        }
        this.appIn = ByteBuffer.allocate(s.getApplicationBufferSize());
        this.appIn.flip();
        this.netOut = ByteBuffer.allocate(packetSize * role.outRecords);
        inner.handler(this);
        engine.beginHandshake();
        updateInterest();
        if (initialBytes > 0) {
            // Those bytes will not make the socket readable: start on them from the loop.
            inner.loop().execute(() -> resume(null));
        }
    }

    /** The negotiated session; meaningful once the handshake is done. */
    public SSLSession session() {
        return engine.getSession();
    }

    public boolean isHandshakeDone() {
        return handshake == Handshake.DONE;
    }

    // ---------------------------------------------------------- transitions

    private void moveTo(Handshake next) {
        assert handshake.mayBecome(next) : "handshake " + handshake + " -> " + next;
        handshake = next;
    }

    private void moveTo(Input next) {
        assert input.mayBecome(next) : "input " + input + " -> " + next;
        input = next;
    }

    private void moveTo(Output next) {
        assert output.mayBecome(next) : "output " + output + " -> " + next;
        output = next;
    }

    private boolean closed() {
        return output == Output.CLOSED;
    }

    @Override
    public EventLoop loop() {
        return inner.loop();
    }

    @Override
    public void handler(Handler handler) {
        this.handler = handler;
    }

    // ------------------------------------------------------------ handshake

    /** Drives the first handshake as far as the socket allows; its failures are all {@link SSLHandshakeException}s. */
    private void handshake() throws IOException {
        try {
            handshakeSteps();
        } catch (SSLHandshakeException e) {
            throw e;
        } catch (SSLException e) {
            // e.g. "Unsupported or unrecognized SSL message": a plaintext client on a TLS socket
            SSLHandshakeException h = new SSLHandshakeException("TLS handshake failed: " + e.getMessage());
            h.initCause(e);
            throw h;
        }
    }

    private void handshakeSteps() throws IOException {
        while (!closed() && handshake == Handshake.IN_PROGRESS && !taskRunning) {
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> {
                    if (runDelegatedTasks()) {
                        return; // resume() goes on when they are done
                    }
                }
                case NEED_WRAP -> {
                    if (!roomForRecord()) {
                        updateInterest(); // OP_WRITE: the socket must take our last flight first
                        return;
                    }
                    SSLEngineResult r = engine.wrap(EMPTY, netOut);
                    flushNetOut();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLHandshakeException("TLS handshake failed: the engine closed");
                    }
                    if (r.getHandshakeStatus() == HandshakeStatus.FINISHED) {
                        finished();
                        return;
                    }
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    suppressTicketIfTls13();
                    SSLEngineResult r = netIn.position() > 0 && !netInShort ? unwrap() : null;
                    if (r != null && r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() == 0
                            && r.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
                        netInShort = true; // nothing taken, nothing asked: wait for more rather than spin
                    }
                    if (r == null || netInShort) {
                        int n = readMore();
                        if (n < 0 && received == 0 && role == Role.CONTROL) {
                            abandon();
                            return;
                        }
                        if (n < 0) {
                            throw new SSLHandshakeException("connection closed during the TLS handshake");
                        }
                        if (n == 0) {
                            updateInterest(); // OP_READ: the rest of the record is not here yet
                            return;
                        }
                        continue;
                    }
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLHandshakeException("TLS handshake failed: the peer closed");
                    }
                    // TLS 1.3: the client's Finished read, the engine is done and asks to wrap
                    // only its NewSessionTicket, a post-handshake message (see finished()).
                    if (r.getHandshakeStatus() == HandshakeStatus.FINISHED
                            || (r.getHandshakeStatus() == HandshakeStatus.NEED_WRAP
                                && "TLSv1.3".equals(engine.getSession().getProtocol()))) {
                        finished();
                        return;
                    }
                }
                default -> {
                    finished();
                    return;
                }
            }
        }
    }

    private void finished() throws IOException {
        SSLSession s = engine.getSession();
        tls12 = "TLSv1.2".equals(s.getProtocol());
        packetSize = Math.max(packetSize, s.getPacketBufferSize());
        if (netOut.capacity() < packetSize) {
            netOut = grow(netOut, packetSize * role.outRecords);
        }
        if (check != null) {
            String refusal = check.refusal(s);
            if (refusal != null) {
                throw new RefusedException(refusal);
            }
        }
        moveTo(Handshake.DONE);
        // TLS 1.3: the engine has a NewSessionTicket to send now, after the
        // client's Finished. It waits until we send something ourselves (a reply,
        // a download's first record, our close_notify), never alone (issue 16):
        // a client that never reads an upload connection (rclone: Go's
        // crypto/tls reads post-handshake messages only inside Read) had the
        // ticket unread in its socket when it closed, so its kernel answered
        // with an RST instead of a FIN, and ours threw away the part of the
        // upload we had not read yet: "426 ... Connection reset", "0 bytes
        // incomplete". Sent in front of our first record, the ticket comes with
        // data the client reads anyway; on an upload, after the client's
        // close_notify. (RFC 8446 4.6.1 lets the server send it "at any time".)
        postHandshakeHeld = true;
        progressShutdown();
        updateInterest();
        if (wantRead && hasBufferedInput()) {
            scheduleDispatch(); // the client's first data may have come with its Finished
        }
    }

    /**
     * See {@link #forControl(EndPoint, SSLEngine, Executor, ByteBuffer, boolean)}:
     * the engine decides on the ticket when it reads the client's Finished, and
     * sends none for a session that is not rejoinable. Called whenever the
     * handshake waits for input; acts once the version is known to be 1.3.
     */
    private void suppressTicketIfTls13() {
        if (!suppressTicket) {
            return;
        }
        SSLSession s = engine.getHandshakeSession();
        if (s != null && "TLSv1.3".equals(s.getProtocol())) {
            s.invalidate();
            suppressTicket = false;
        } else if (s != null && "TLSv1.2".equals(s.getProtocol())) {
            suppressTicket = false; // its ticket or session ID is part of the handshake: harmless
        }
    }

    /** The peer left without a byte: the handler reads end of stream, as on a plain connection. */
    private void abandon() {
        moveTo(Handshake.ABANDONED);
        updateInterest();
        inner.loop().execute(() -> {
            if (!closed() && handler != null) {
                try {
                    handler.onReadable();
                } catch (Throwable t) {
                    fail(t);
                }
            }
        });
    }

    /**
     * Runs the engine's delegated tasks on the worker pool. The loop thread
     * asks for no readiness and leaves the engine alone until they are done;
     * then {@link #resume} carries on, on the loop. False if there was none.
     */
    private boolean runDelegatedTasks() throws SSLException {
        Runnable first = engine.getDelegatedTask();
        if (first == null) {
            return false;
        }
        taskRunning = true;
        updateInterest();
        try {
            tasks.execute(() -> {
                Throwable failure = null;
                try {
                    for (Runnable t = first; t != null; t = engine.getDelegatedTask()) {
                        t.run();
                    }
                } catch (Throwable t) {
                    failure = t;
                }
                Throwable f = failure;
                inner.loop().execute(() -> resume(f));
            });
        } catch (RejectedExecutionException e) {
            taskRunning = false;
            throw new SSLException("TLS: the worker pool is full", e);
        }
        return true;
    }

    /** On the loop, after delegated tasks (or to start on bytes read before TLS began). */
    private void resume(Throwable taskFailure) {
        taskRunning = false;
        if (closed()) {
            return;
        }
        try {
            if (taskFailure != null) {
                throw taskFailure;
            }
            if (handshake != Handshake.DONE) {
                handshake();
                return;
            }
            serviceEngine();
            flushNetOut();
            progressShutdown();
            updateInterest();
            if (wantRead && hasBufferedInput()) {
                scheduleDispatch();
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    /**
     * After the first handshake: what the engine asks for on its own (TLS 1.3
     * session tickets and key updates, the answer to a close_notify); nothing
     * before our first write or shutdown ({@code postHandshakeHeld}).
     */
    private void serviceEngine() throws IOException {
        if (postHandshakeHeld) {
            return;
        }
        while (!closed() && !taskRunning) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runDelegatedTasks();
                return;
            }
            if (hs != HandshakeStatus.NEED_WRAP || !roomForRecord()) {
                return;
            }
            SSLEngineResult r = engine.wrap(EMPTY, netOut);
            if (r.bytesProduced() == 0) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- input

    /** Reads from the socket into netIn: bytes read, 0, or -1 at end of stream. */
    private int readMore() throws IOException {
        if (input != Input.OPEN) {
            return -1;
        }
        if (!netIn.hasRemaining()) {
            if (netIn.capacity() >= MAX_BUFFER) {
                throw new SSLException("TLS record larger than " + MAX_BUFFER + " bytes");
            }
            netIn = grow(netIn, Math.max(engine.getSession().getPacketBufferSize(), netIn.capacity() * 2));
        }
        int n = inner.fill(netIn);
        if (n < 0) {
            moveTo(Input.FIN);
        } else if (n > 0) {
            netInShort = false;
            received += n;
        }
        return n;
    }

    /** One unwrap of netIn into appIn (appIn must be empty or have room); grows a too small appIn. */
    private SSLEngineResult unwrap() throws IOException {
        netIn.flip();
        if (handshake == Handshake.DONE && tls12 && netIn.hasRemaining() && netIn.get(netIn.position()) == TLS_HANDSHAKE_RECORD) {
            netIn.compact();
            throw new SSLException("TLS renegotiation refused");
        }
        appIn.compact();
        SSLEngineResult r;
        try {
            r = engine.unwrap(netIn, appIn);
        } finally {
            appIn.flip();
            netIn.compact();
        }
        switch (r.getStatus()) {
            case BUFFER_UNDERFLOW -> netInShort = true;
            case BUFFER_OVERFLOW -> {
                if (!appIn.hasRemaining()) {
                    int size = Math.max(engine.getSession().getApplicationBufferSize(), appIn.capacity() * 2);
                    if (size > MAX_BUFFER) {
                        throw new SSLException("TLS record plaintext larger than " + MAX_BUFFER + " bytes");
                    }
                    appIn = ByteBuffer.allocate(size).flip();
                }
            }
            case CLOSED -> {
                if (engine.isInboundDone()) {
                    moveTo(Input.CLOSE_NOTIFY);
                }
            }
            default -> {
                // OK
            }
        }
        return r;
    }

    private boolean hasBufferedInput() {
        return appIn.hasRemaining()
                || (netIn.position() > 0 && !netInShort && input.recordsMayFollow())
                || input.endPending();
    }

    @Override
    public int fill(ByteBuffer dst) throws IOException {
        if (closed()) {
            throw new ClosedChannelException();
        }
        if (handshake == Handshake.ABANDONED) {
            return -1;
        }
        if (handshake != Handshake.DONE || taskRunning || !dst.hasRemaining()) {
            return 0;
        }
        int n = 0;
        while (dst.hasRemaining()) {
            if (appIn.hasRemaining()) {
                n += move(appIn, dst);
                continue;
            }
            if (!input.recordsMayFollow()) {
                break; // close_notify read, or the end already given
            }
            if (netIn.position() > 0 && !netInShort) {
                SSLEngineResult r = unwrap();
                if (r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    netInShort = true; // the engine took nothing: read more rather than spin
                }
                if (r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING
                        && r.getHandshakeStatus() != HandshakeStatus.FINISHED) {
                    serviceEngine(); // a TLS 1.3 key update wants its answer
                    flushNetOut();
                    if (taskRunning) {
                        break;
                    }
                }
                continue;
            }
            if (readMore() <= 0) {
                break;
            }
        }
        if (n > 0) {
            delivered++;
            return n;
        }
        if (!dst.hasRemaining() || taskRunning) {
            return 0;
        }
        switch (input) {
            case OPEN -> {
                return 0;
            }
            case CLOSE_NOTIFY -> moveTo(Input.ENDED);
            case FIN -> moveTo(requireCloseNotify || netIn.position() > 0 ? Input.TRUNCATED : Input.ENDED);
            default -> {
                // ENDED or TRUNCATED: the same answer again
            }
        }
        delivered++;
        if (input == Input.TRUNCATED) {
            throw new TruncatedException("connection closed without TLS close_notify: data may be truncated");
        }
        return -1;
    }

    private static int move(ByteBuffer src, ByteBuffer dst) {
        int n = Math.min(src.remaining(), dst.remaining());
        int limit = src.limit();
        src.limit(src.position() + n);
        dst.put(src);
        src.limit(limit);
        return n;
    }

    // --------------------------------------------------------------- output

    /** True if netOut can take one more record, flushing it to the socket first if need be. */
    private boolean roomForRecord() throws IOException {
        if (netOut.remaining() >= packetSize) {
            return true;
        }
        flushNetOut();
        if (netOut.remaining() >= packetSize) {
            return true;
        }
        if (netOut.position() == 0) {
            netOut = ByteBuffer.allocate(packetSize * role.outRecords);
            return true;
        }
        return false;
    }

    private void flushNetOut() throws IOException {
        if (netOut.position() == 0) {
            return;
        }
        netOut.flip();
        try {
            inner.flush(netOut);
        } finally {
            netOut.compact();
        }
    }

    private boolean mayWrite() throws IOException {
        if (closed()) {
            throw new ClosedChannelException();
        }
        if (output != Output.OPEN) {
            throw new IOException("TLS output already shut down");
        }
        return handshake == Handshake.DONE && !taskRunning;
    }

    /** Wraps as much of {@code src} as netOut takes; false if it could take nothing more. */
    private boolean wrap(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            if (!roomForRecord()) {
                return false;
            }
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS connection closed");
            }
            if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                runDelegatedTasks();
                return false;
            }
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int flush(ByteBuffer src) throws IOException {
        if (!mayWrite()) {
            return 0;
        }
        int start = src.position();
        postHandshakeHeld = false;
        wrap(src);
        flushNetOut();
        updateInterest();
        return src.position() - start;
    }

    /**
     * No sendfile through TLS: the file is read a record's worth at a time
     * into a heap buffer and wrapped; returns the file bytes now encrypted
     * (maybe still in netOut, see {@link #hasPendingOutput}).
     */
    @Override
    public long transferFrom(FileChannel file, long position, long count) throws IOException {
        if (!mayWrite()) {
            return 0;
        }
        if (fileChunk == null) {
            fileChunk = ByteBuffer.allocate(MAX_PLAINTEXT);
        }
        postHandshakeHeld = false;
        long sent = 0;
        while (sent < count && roomForRecord()) {
            fileChunk.clear();
            fileChunk.limit((int) Math.min(fileChunk.capacity(), count - sent));
            int n = file.read(fileChunk, position + sent);
            if (n <= 0) {
                break;
            }
            fileChunk.flip();
            wrap(fileChunk);
            sent += fileChunk.position(); // a chunk the engine did not take is read again next time
            if (fileChunk.hasRemaining()) {
                break;
            }
        }
        flushNetOut();
        updateInterest();
        return sent;
    }

    @Override
    public boolean hasPendingOutput() {
        return netOut.position() > 0 || output.shutting();
    }

    /** close_notify, then FIN; waits for the handshake and for netOut to drain (see {@link #hasPendingOutput}). */
    @Override
    public void shutdownOutput() throws IOException {
        if (output != Output.OPEN) {
            return;
        }
        moveTo(Output.SHUTDOWN_REQUESTED);
        progressShutdown();
        updateInterest();
    }

    private void progressShutdown() throws IOException {
        if (!output.shutting() || handshake != Handshake.DONE || taskRunning) {
            return;
        }
        postHandshakeHeld = false;
        if (output == Output.SHUTDOWN_REQUESTED) {
            engine.closeOutbound();
            moveTo(Output.CLOSE_NOTIFY);
        }
        while (!engine.isOutboundDone()) {
            if (!roomForRecord()) {
                return;
            }
            if (engine.wrap(EMPTY, netOut).bytesProduced() == 0) {
                break;
            }
        }
        flushNetOut();
        if (netOut.position() == 0) {
            inner.shutdownOutput();
            moveTo(Output.SHUT);
        }
    }

    // ------------------------------------------------------------- interest

    @Override
    public void readInterest(boolean on) {
        wantRead = on;
        if (on && handshake == Handshake.DONE && !taskRunning && hasBufferedInput()) {
            scheduleDispatch();
        }
        updateInterest();
    }

    @Override
    public void writeInterest(boolean on) {
        wantWrite = on;
        updateInterest();
    }

    /** What the socket below must be watched for, from the TLS state and what the handler wants. */
    private void updateInterest() {
        if (closed()) {
            return;
        }
        boolean read;
        boolean write = netOut.position() > 0;
        if (taskRunning) {
            read = false;
        } else if (handshake != Handshake.DONE) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            read = input == Input.OPEN && (hs == HandshakeStatus.NEED_UNWRAP || hs == HandshakeStatus.NEED_UNWRAP_AGAIN);
        } else {
            read = wantRead && input == Input.OPEN && !appIn.hasRemaining();
            write |= wantWrite || output.shutting();
        }
        inner.readInterest(read);
        inner.writeInterest(write);
    }

    /** Calls the handler's onReadable from a loop task, for input that will not make the socket readable. */
    private void scheduleDispatch() {
        if (dispatchQueued || closed()) {
            return;
        }
        dispatchQueued = true;
        inner.loop().execute(() -> {
            dispatchQueued = false;
            if (closed() || handshake != Handshake.DONE || taskRunning || !wantRead || !hasBufferedInput()) {
                return;
            }
            try {
                deliver();
            } catch (Throwable t) {
                fail(t);
            }
        });
    }

    private void deliver() throws IOException {
        long before = delivered;
        handler.onReadable();
        if (closed()) {
            return;
        }
        if (wantRead && delivered != before && hasBufferedInput()) {
            scheduleDispatch(); // more is buffered: go on next turn, like a level-triggered socket
        }
        updateInterest();
    }

    // ------------------------------------------------- callbacks from below

    @Override
    public void onReadable() throws IOException {
        if (closed()) {
            return;
        }
        if (handshake != Handshake.DONE) {
            handshake();
        } else if (!taskRunning && wantRead) {
            deliver();
        } else {
            updateInterest();
        }
    }

    @Override
    public void onWritable() throws IOException {
        if (closed()) {
            return;
        }
        flushNetOut();
        if (taskRunning) {
            updateInterest();
            return;
        }
        if (handshake != Handshake.DONE) {
            handshake();
            updateInterest();
            return;
        }
        serviceEngine();
        progressShutdown();
        if (!closed() && netOut.position() == 0 && wantWrite && !taskRunning) {
            handler.onWritable();
        }
        updateInterest();
    }

    @Override
    public void onFailure(Throwable cause) {
        // the endpoint below is already closed
        if (closed()) {
            return;
        }
        moveTo(Output.CLOSED);
        if (handler != null) {
            handler.onFailure(cause);
        }
    }

    private void fail(Throwable cause) {
        if (closed()) {
            return;
        }
        close();
        if (handler != null) {
            handler.onFailure(cause);
        }
    }

    // ------------------------------------------------------------ the rest

    @Override
    public boolean isOpen() {
        return !closed() && inner.isOpen();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return inner.remoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() {
        return inner.localAddress();
    }

    /**
     * Closes now: close_notify (or the alert a failed handshake left) goes
     * out if the socket takes it at once, then the socket is closed.
     */
    @Override
    public void close() {
        if (closed()) {
            return;
        }
        Output before = output;
        moveTo(Output.CLOSED);
        if (!taskRunning && inner.isOpen()) {
            try {
                if (before == Output.OPEN || before == Output.SHUTDOWN_REQUESTED) {
                    engine.closeOutbound(); // else progressShutdown has done it
                }
                for (int i = 0; i < 4 && !engine.isOutboundDone() && netOut.remaining() >= packetSize; i++) {
                    if (engine.wrap(EMPTY, netOut).bytesProduced() == 0) {
                        break;
                    }
                }
                flushNetOut();
            } catch (IOException | RuntimeException ignored) {
                // closing anyway: the peer may already be gone
            }
        }
        // No engine.closeInbound(): without the peer's close_notify it only throws
        // "possible truncation attack", which fill has already reported where it matters.
        inner.close();
    }

    private static ByteBuffer grow(ByteBuffer writeMode, int capacity) {
        ByteBuffer bigger = ByteBuffer.allocate(capacity);
        writeMode.flip();
        bigger.put(writeMode);
        return bigger;
    }
}

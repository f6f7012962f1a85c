package org.nioftpd.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.nioftpd.protocol.LineDecoder;
import org.nioftpd.transport.EndPoint;

/**
 * The control connection's byte side: input bytes become command lines, reply
 * bytes queue until the socket takes them. The protocol side is the
 * {@link Session}. Loop thread only.
 *
 * <p>Replies are written through at once (most fit in the socket buffer, so
 * OP_WRITE is rarely needed); what the socket does not take waits in
 * {@link #out} and OP_WRITE is asked for until it drains. A client that sends
 * commands but never reads its replies stops being read once
 * {@link #MAX_PENDING_OUTPUT} bytes wait: memory per session stays bounded.
 *
 * <p><b>AUTH TLS</b> ({@link #startTls}): the 234 reply leaves in plaintext,
 * then the endpoint is wrapped in TLS. Whatever plaintext the client sent
 * after the AUTH line, already read, is thrown away, never run: a man in the
 * middle could otherwise append commands that the server would execute as if
 * they had come over the protected channel (the STARTTLS command injection of
 * CVE-2011-0411 in Postfix, and of several FTP servers since).
 */
final class ControlConnection implements EndPoint.Handler {

    static final int MAX_PENDING_OUTPUT = 64 * 1024;

    private final int maxLineBytes;
    private EndPoint endPoint;
    private LineDecoder decoder;
    /** AUTH TLS is waiting for the 234 to reach the socket before wrapping the endpoint. */
    private UnaryOperator<EndPoint> pendingTls;
    /** What the session last asked of {@link #wantInput}. */
    private boolean wanted;
    /**
     * Undecoded input: small, because the decoder takes every byte into its
     * own line buffer at once; bytes wait here only while the session is
     * suspended. 1 KiB, not 4: with 10,000 idle sessions this buffer was most
     * of the heap (the bench's idle scenario).
     */
    private final ByteBuffer in = ByteBuffer.allocate(1024);
    private ByteBuffer out = ByteBuffer.allocate(0);
    private Session session;
    private boolean closeWhenFlushed;
    private boolean eof;

    /** {@code initial}: bytes already read from the socket (after a PROXY header), or null. */
    ControlConnection(EndPoint endPoint, int maxLineBytes, ByteBuffer initial) {
        this.endPoint = endPoint;
        this.maxLineBytes = maxLineBytes;
        this.decoder = new LineDecoder(maxLineBytes);
        endPoint.handler(this);
        if (initial != null) {
            in.put(initial);
        }
        in.flip(); // "in" is kept in read mode between calls: position..limit is undecoded input
    }

    void session(Session session) {
        this.session = session;
    }

    EndPoint endPoint() {
        return endPoint;
    }

    boolean hasBufferedInput() {
        return in.hasRemaining();
    }

    /** The next whole command line from input already read, or null. */
    String nextLine() {
        return in.hasRemaining() ? decoder.decode(in) : null;
    }

    /** Bytes the decoder has thrown away since the last whole line (see {@link LineDecoder#skippedBytes}). */
    long skippedBytes() {
        return decoder.skippedBytes();
    }

    /** Whether to read from the socket: the session wants lines and the client reads its replies. */
    void wantInput(boolean on) {
        wanted = on;
        endPoint.readInterest(on && !eof && pendingTls == null && !backlogged());
    }

    /**
     * True while {@link #MAX_PENDING_OUTPUT} bytes of replies wait for the client:
     * the session must run no more lines (not only read no more bytes), or the
     * lines already read (4 KB: hundreds of short commands) would each queue a reply.
     */
    boolean backlogged() {
        return out.position() >= MAX_PENDING_OUTPUT;
    }

    /**
     * AUTH TLS: the reply already queued (234) goes out in plaintext, then
     * {@code wrap} puts TLS under this connection. Input read past the AUTH
     * line is discarded now, and the decoder starts afresh: nothing sent in
     * plaintext after AUTH TLS is ever run. Until the switch, nothing is read
     * (the next bytes are the client's ClientHello, for the TLS engine).
     */
    void startTls(UnaryOperator<EndPoint> wrap) {
        in.clear().flip();
        decoder = new LineDecoder(maxLineBytes);
        pendingTls = wrap;
        endPoint.readInterest(false);
        if (out.position() == 0 && !endPoint.hasPendingOutput()) {
            switchToTls();
        }
    }

    private void switchToTls() {
        UnaryOperator<EndPoint> wrap = pendingTls;
        pendingTls = null;
        endPoint = wrap.apply(endPoint);
        endPoint.handler(this);
        wantInput(wanted);
    }

    /** True once AUTH TLS has switched (or an implicit-TLS connection). */
    boolean isTls() {
        return endPoint instanceof org.nioftpd.transport.TlsEndPoint;
    }

    @Override
    public void onReadable() throws IOException {
        in.compact();
        int n;
        try {
            n = endPoint.fill(in);
        } finally {
            in.flip();
        }
        if (n < 0) {
            eof = true;
            endPoint.readInterest(false);
            session.onClientClosed();
            return;
        }
        if (n > 0) {
            session.onInput();
        }
    }

    /** Queues {@code bytes} and writes what the socket takes now. */
    void write(byte[] bytes) {
        if (!endPoint.isOpen()) {
            return;
        }
        if (out.position() == 0) {
            // Nothing queued: try to write straight from the array, the common case.
            ByteBuffer direct = ByteBuffer.wrap(bytes);
            try {
                endPoint.flush(direct);
            } catch (IOException e) {
                session.close("write failed: " + e.getMessage());
                return;
            }
            if (!direct.hasRemaining()) {
                return;
            }
            append(direct);
        } else {
            append(ByteBuffer.wrap(bytes));
        }
        endPoint.writeInterest(true);
    }

    private void append(ByteBuffer more) {
        if (out.remaining() < more.remaining()) {
            int size = Math.max(out.capacity() * 2, out.position() + more.remaining());
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(size, 1024));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
        out.put(more);
    }

    @Override
    public void onWritable() throws IOException {
        out.flip();
        try {
            endPoint.flush(out);
        } finally {
            out.compact();
        }
        if (out.position() == 0 && !endPoint.hasPendingOutput()) { // TLS: records may still wait below
            endPoint.writeInterest(false);
            if (out.capacity() > 4096) {
                out = ByteBuffer.allocate(0); // give back what a burst of replies grew
            }
            if (closeWhenFlushed) {
                endPoint.close();
                return;
            }
            if (pendingTls != null) {
                switchToTls(); // the 234 is on the wire: TLS from the next byte on
                return;
            }
            session.onOutputDrained();
        }
    }

    /**
     * Closes once every queued reply is written (after 221 or 421), or after
     * {@code lingerNanos} if the client does not read them: nothing else would
     * ever close a socket whose peer stopped reading, and it would be held forever.
     */
    void closeAfterFlush(long lingerNanos) {
        closeWhenFlushed = true;
        endPoint.readInterest(false);
        if (out.position() == 0 && !endPoint.hasPendingOutput()) {
            endPoint.close();
            return;
        }
        endPoint.writeInterest(true);
        endPoint.loop().schedule(lingerNanos, TimeUnit.NANOSECONDS, endPoint::close);
    }

    @Override
    public void onFailure(Throwable cause) {
        session.failed(cause);
    }

    void close() {
        endPoint.close();
    }
}

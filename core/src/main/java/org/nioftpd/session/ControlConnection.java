package org.nioftpd.session;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.nioftpd.protocol.LineDecoder;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.reactor.Timer;
import org.nioftpd.transport.EndPoint;

/**
 * The control connection's byte side: input bytes become command lines, reply
 * bytes queue until the socket takes them. The protocol side is the
 * {@link ProtocolInterpreter}. Loop thread only.
 *
 * <p>Replies are queued (by reference: no copy) and written together at the
 * end of the loop's turn ({@link EventLoop#atTurnEnd}): one {@code write} and
 * one TCP segment for all a turn produced. For a small file that is the 150
 * and the 226 in one segment instead of two, and for a client that pipelines
 * commands, one segment for the lot. Most fit in the socket buffer, so
 * OP_WRITE is rarely needed; what the socket does not take waits in
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
    /** Replies of this turn, not yet given to the socket; {@link #out} is empty while there are any. */
    private byte[][] queued;
    private int queuedCount;
    private int queuedBytes;
    private boolean flushAtTurnEnd;
    private final Runnable flushQueued = this::flushQueued;
    private ProtocolInterpreter interpreter;
    private boolean closeWhenFlushed;
    /**
     * Closes a socket whose client stops reading after 221 or 421. Owned here and
     * cancelled by {@link #close}: left to fire, it held every session ended by
     * QUIT (about 2.7 KB, 58 KB with TLS) for the whole idle timeout, and a QUIT
     * storm ran the heap out (the hostile-load issue: 96,000 sessions, 46 s, 256 MB).
     */
    private Timer lingerTimer;
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

    void interpreter(ProtocolInterpreter interpreter) {
        this.interpreter = interpreter;
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
        return out.position() + queuedBytes >= MAX_PENDING_OUTPUT;
    }

    /** Nothing waits to be written: no reply queued for the turn's end, none in {@link #out}, none below (TLS). */
    private boolean allWritten() {
        return queuedCount == 0 && out.position() == 0 && !endPoint.hasPendingOutput();
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
        if (allWritten()) {
            switchToTls();
        } // else the 234 is still queued or waiting: flushQueued or onWritable switches once it is out
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
        return endPoint instanceof org.nioftpd.tls.TlsEndPoint;
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
            interpreter.onClientClosed();
            return;
        }
        if (n > 0) {
            interpreter.onInput();
        }
    }

    /** Queues {@code bytes}, to be written at the end of the loop's turn with every other reply of the turn. */
    void write(byte[] bytes) {
        if (!endPoint.isOpen()) {
            return;
        }
        if (out.position() > 0) {
            append(ByteBuffer.wrap(bytes)); // OP_WRITE is on: onWritable sends it after what waits already
            return;
        }
        if (queued == null) {
            queued = new byte[4][];
        } else if (queuedCount == queued.length) {
            queued = Arrays.copyOf(queued, queuedCount * 2);
        }
        queued[queuedCount++] = bytes;
        queuedBytes += bytes.length;
        if (!flushAtTurnEnd) {
            flushAtTurnEnd = true;
            endPoint.loop().atTurnEnd(flushQueued);
        }
    }

    /**
     * The end of the turn: gathers the queued replies into the loop's direct
     * I/O buffer and writes them with one call. What the socket does not take
     * moves to {@link #out} and waits for OP_WRITE.
     */
    private void flushQueued() {
        flushAtTurnEnd = false;
        if (queuedCount == 0) {
            return;
        }
        if (!endPoint.isOpen()) {
            clearQueued();
            return;
        }
        boolean wasBacklogged = backlogged();
        ByteBuffer gathered = endPoint.loop().ioBuffer();
        int i = 0;
        while (i < queuedCount && gathered.remaining() >= queued[i].length) {
            gathered.put(queued[i++]);
        }
        gathered.flip();
        try {
            endPoint.flush(gathered);
        } catch (IOException e) {
            clearQueued();
            close(); // the session may be closed already (after 221): the socket must still go
            interpreter.close("write failed: " + e.getMessage());
            return;
        }
        if (gathered.hasRemaining() || i < queuedCount) {
            append(gathered); // copied out: the I/O buffer is the loop's, for this call only
            for (; i < queuedCount; i++) {
                append(ByteBuffer.wrap(queued[i]));
            }
        }
        clearQueued();
        if (!allWritten()) {
            endPoint.writeInterest(true); // onWritable goes on from here
            return;
        }
        if (closeWhenFlushed) {
            close();
        } else if (pendingTls != null) {
            switchToTls(); // the 234 is on the wire: TLS from the next byte on
        } else if (wasBacklogged) {
            interpreter.onOutputDrained();
        }
    }

    private void clearQueued() {
        Arrays.fill(queued, 0, queuedCount, null);
        queuedCount = 0;
        queuedBytes = 0;
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
            if (queuedCount > 0) {
                return; // replies of this turn: flushQueued, at its end, goes on from here
            }
            if (closeWhenFlushed) {
                close();
                return;
            }
            if (pendingTls != null) {
                switchToTls(); // the 234 is on the wire: TLS from the next byte on
                return;
            }
            interpreter.onOutputDrained();
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
        if (allWritten()) {
            close();
            return;
        }
        if (queuedCount == 0) {
            endPoint.writeInterest(true);
        } // else flushQueued writes and closes at the end of this turn
        lingerTimer = endPoint.loop().schedule(lingerNanos, TimeUnit.NANOSECONDS, this::close);
    }

    @Override
    public void onFailure(Throwable cause) {
        cancelLinger(); // the endpoint is closed already; a reset after 221 ends here
        interpreter.failed(cause);
    }

    /** Closes the socket now, and with it the linger timer: nothing of this connection outlives it. */
    void close() {
        cancelLinger();
        endPoint.close();
    }

    private void cancelLinger() {
        if (lingerTimer != null) {
            lingerTimer.cancel();
            lingerTimer = null;
        }
    }
}

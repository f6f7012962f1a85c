package org.nioftpd.data;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.nioftpd.transport.EndPoint;

/**
 * One transfer over one data connection, as a state machine driven by the
 * endpoint's readiness callbacks: it never blocks and never owns a thread.
 * Subclasses move the bytes ({@link Download}: server to client,
 * {@link Upload}: client to server); this class holds what they share: the
 * start, the end (exactly once), the progress clock.
 *
 * <p>Loop thread only.
 */
public abstract class Transfer implements EndPoint.Handler {

    /** Most bytes one transfer moves per loop wakeup, so that one big file cannot starve the other sessions. */
    protected static final int BUDGET_PER_WAKEUP = 1 << 20;

    /** Told once when the transfer has ended and its data connection is closed. */
    public interface Listener {
        void transferEnded(Transfer t, IOException failure);
    }

    /** What a file transfer reports to the transfer log; null for listings. */
    public record LogEntry(String virtualPath, java.nio.file.Path file, boolean incoming, boolean ascii) {
    }

    protected EndPoint endPoint;
    private Throttle throttle = Throttle.NONE;
    private LogEntry logEntry;
    private long startMillis = System.currentTimeMillis();
    private Listener listener;
    private boolean ended;
    private long bytes;
    /** Bytes this transfer will move, when known before it starts (a binary RETR); -1 otherwise. */
    private long expectedBytes = -1;
    private long lastProgressNanos = System.nanoTime();
    private boolean moving;
    /** The throttle's pause: owned, cancelled when the transfer ends. */
    private org.nioftpd.reactor.Timer resumeTimer;

    /** Starts moving bytes over {@code ep}, which is connected and becomes this transfer's. */
    final void start(EndPoint ep, Listener whenEnded) {
        this.endPoint = ep;
        this.listener = whenEnded;
        this.moving = true;
        this.lastProgressNanos = System.nanoTime();
        this.startMillis = System.currentTimeMillis();
        ep.handler(this);
        try {
            begin();
        } catch (IOException e) {
            end(e);
        }
    }

    /** First step once connected: ask for the readiness the transfer waits on, or move bytes now. */
    protected abstract void begin() throws IOException;

    /** Closes the file or directory stream behind the transfer. Idempotent. */
    public abstract void release();

    /** The rate limits this transfer obeys. Set before it starts. */
    public Transfer throttle(Throttle t) {
        this.throttle = t;
        return this;
    }

    /**
     * How many bytes this wakeup may move: the fairness budget, capped by the
     * throttle. Zero means the throttle has paused the transfer: I/O interest
     * is off and a loop timer will {@linkplain #resumeIo resume} it.
     */
    protected final long budget() {
        if (throttle.isUnlimited()) {
            return BUDGET_PER_WAKEUP;
        }
        long now = System.nanoTime();
        long allowed = throttle.allowance(now);
        if (allowed > 0) {
            return Math.min(BUDGET_PER_WAKEUP, allowed);
        }
        pauseIo();
        resumeTimer = endPoint.loop().schedule(throttle.nanosUntilAvailable(now), TimeUnit.NANOSECONDS, () -> {
            resumeTimer = null;
            if (!ended) {
                try {
                    resumeIo();
                } catch (IOException e) {
                    end(e);
                }
            }
        });
        return 0;
    }

    /** Stop asking for readiness: the throttle wants a pause. */
    protected abstract void pauseIo();

    /** The pause is over: ask for readiness again, or move bytes now. */
    protected abstract void resumeIo() throws IOException;

    /** Records {@code n} bytes moved: progress for the stall timer, tokens for the throttle. */
    protected final void progress(long n) {
        if (n > 0) {
            bytes += n;
            lastProgressNanos = System.nanoTime();
            if (!throttle.isUnlimited()) {
                throttle.consumed(n, lastProgressNanos);
            }
        }
    }

    /** Ends the transfer, once: releases the file, closes the data connection, tells the listener. */
    protected final void end(IOException failure) {
        if (ended) {
            return;
        }
        ended = true;
        moving = false;
        if (resumeTimer != null) {
            resumeTimer.cancel();
            resumeTimer = null;
        }
        release();
        if (endPoint != null) {
            endPoint.close();
        }
        if (listener != null) {
            listener.transferEnded(this, failure);
        }
    }

    /** Ends without telling anyone: the session has already replied (ABOR, session closed). */
    final void cancel() {
        listener = null;
        end(null);
    }

    @Override
    public void onFailure(Throwable cause) {
        end(cause instanceof IOException io ? io : new IOException(cause));
    }

    @Override
    public void onReadable() throws IOException {
        // Subclasses that read override this.
    }

    @Override
    public void onWritable() throws IOException {
        // Subclasses that write override this.
    }

    /** Marks this as a file transfer, for the transfer log. Returns this. */
    public Transfer logEntry(LogEntry info) {
        this.logEntry = info;
        return this;
    }

    public LogEntry logEntry() {
        return logEntry;
    }

    /** When the data connection was ready and bytes began to move (epoch ms). */
    public long startMillis() {
        return startMillis;
    }

    public long bytes() {
        return bytes;
    }

    /** Says how many bytes this transfer will move (for progress in monitoring). Returns this. */
    public Transfer expectedBytes(long n) {
        this.expectedBytes = n;
        return this;
    }

    /** Bytes this transfer will move, or -1 when not known. */
    public long expectedBytes() {
        return expectedBytes;
    }

    public long lastProgressNanos() {
        return lastProgressNanos;
    }

    /** True once connected and until it ends: the control connection is not idle meanwhile. */
    public boolean isMoving() {
        return moving;
    }

    public boolean isEnded() {
        return ended;
    }

    /** For STAT: what this transfer is, e.g. "RETR /a/b". */
    public abstract String describe();
}

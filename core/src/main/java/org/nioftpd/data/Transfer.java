package org.nioftpd.data;

import java.io.IOException;
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

    protected EndPoint endPoint;
    private Listener listener;
    private boolean ended;
    private long bytes;
    private long lastProgressNanos = System.nanoTime();
    private boolean moving;

    /** Starts moving bytes over {@code ep}, which is connected and becomes this transfer's. */
    final void start(EndPoint ep, Listener whenEnded) {
        this.endPoint = ep;
        this.listener = whenEnded;
        this.moving = true;
        this.lastProgressNanos = System.nanoTime();
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

    protected final void progress(long n) {
        if (n > 0) {
            bytes += n;
            lastProgressNanos = System.nanoTime();
        }
    }

    /** Ends the transfer, once: releases the file, closes the data connection, tells the listener. */
    protected final void end(IOException failure) {
        if (ended) {
            return;
        }
        ended = true;
        moving = false;
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

    public long bytes() {
        return bytes;
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

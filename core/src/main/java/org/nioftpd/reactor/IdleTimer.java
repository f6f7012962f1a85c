package org.nioftpd.reactor;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Fires once when its owner has been idle for a timeout: the control
 * connection's idle timeout, a transfer's stall timeout. Re-armed lazily:
 * activity only records a time (the owner's {@code lastActivity}), and when
 * the timer comes due it either fires or arms itself again for what is left,
 * which is cheaper than cancelling and rescheduling on every command or every
 * chunk of a transfer.
 *
 * <p>Owned: its owner {@linkplain #cancel cancels} it when it closes. A timer
 * nobody cancels keeps its task, and through it its owner, reachable until it
 * fires (the QUIT leak of the hostile-load issue). Loop thread only.
 */
public final class IdleTimer {

    private final EventLoop loop;
    private final long timeoutNanos;
    private final LongSupplier lastActivityNanos;
    private final Runnable onIdle;
    private Timer timer;
    private boolean cancelled;

    /**
     * Armed now; fires {@code onIdle} once {@code lastActivityNanos} (a
     * {@link System#nanoTime} reading) is {@code timeoutNanos} old.
     */
    public IdleTimer(EventLoop loop, long timeoutNanos, LongSupplier lastActivityNanos, Runnable onIdle) {
        this.loop = loop;
        this.timeoutNanos = timeoutNanos;
        this.lastActivityNanos = lastActivityNanos;
        this.onIdle = onIdle;
        arm(timeoutNanos);
    }

    private void arm(long delayNanos) {
        timer = loop.schedule(delayNanos, TimeUnit.NANOSECONDS, this::check);
    }

    private void check() {
        timer = null;
        if (cancelled) {
            return;
        }
        long left = lastActivityNanos.getAsLong() + timeoutNanos - System.nanoTime();
        if (left > 0) {
            arm(left);
        } else {
            cancelled = true;
            onIdle.run();
        }
    }

    /** Never fires after this. Idempotent. */
    public void cancel() {
        cancelled = true;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }
}

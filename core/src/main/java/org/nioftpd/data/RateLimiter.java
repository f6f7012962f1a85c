package org.nioftpd.data;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A byte-rate limit shared by any number of transfers on any loops, without
 * a lock: the generic cell rate algorithm (GCRA). The whole state is one
 * number, the "theoretical arrival time" (TAT): the moment at which every
 * byte granted so far would have gone out at exactly the limit. Granting n
 * bytes pushes it n / rate seconds later; a transfer may move bytes while the
 * TAT is less than one burst ahead of now.
 *
 * <p>The burst (a tenth of a second's worth) bounds how far ahead a transfer
 * can get; over ten seconds that is an error of 1 %.
 */
public final class RateLimiter {

    private static final long BURST_NANOS = 100_000_000L;

    private final long bytesPerSecond;
    private final AtomicLong tat;

    public RateLimiter(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive: " + bytesPerSecond);
        }
        this.bytesPerSecond = bytesPerSecond;
        this.tat = new AtomicLong(System.nanoTime());
    }

    public long bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Bytes that may move now (at most one burst's worth). */
    public long available(long nowNanos) {
        // An idle limiter's TAT lies in the past; time unused is not saved up beyond one burst.
        long slack = nowNanos + BURST_NANOS - Math.max(tat.get(), nowNanos);
        return slack <= 0 ? 0 : Math.max(1, slack * bytesPerSecond / 1_000_000_000L);
    }

    /** Records that {@code bytes} moved. */
    public void consume(long bytes, long nowNanos) {
        long cost = bytes * 1_000_000_000L / bytesPerSecond;
        tat.getAndUpdate(t -> Math.max(t, nowNanos) + cost);
    }

    /** How long until some bytes may move again. */
    public long nanosUntilAvailable(long nowNanos) {
        return Math.max(0, tat.get() - BURST_NANOS - nowNanos);
    }
}

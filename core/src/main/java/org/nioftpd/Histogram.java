package org.nioftpd;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A latency histogram with fixed buckets, updated from every loop without a
 * lock or contention: one {@link LongAdder} per bucket, plus the sum. Read at
 * any time by monitoring (the Prometheus endpoint writes it as
 * {@code _bucket{le=...}}, {@code _sum} and {@code _count}); a read taken while
 * loops record may be a few observations apart between buckets, as any
 * Prometheus client library's is.
 */
public final class Histogram {

    /** Upper bounds for commands, in seconds: 100 µs to 30 s. */
    public static final List<Double> COMMAND_BOUNDS = List.of(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
            0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0);

    /** Upper bounds for file transfers, in seconds: 1 ms to an hour. */
    public static final List<Double> TRANSFER_BOUNDS = List.of(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0,
            10.0, 30.0, 60.0, 300.0, 900.0, 3600.0);

    private final List<Double> bounds;
    private final long[] boundNanos;
    /** One per bound, and one more for +Inf. */
    private final LongAdder[] buckets;
    private final LongAdder sumNanos = new LongAdder();

    /** Empty, with these upper bounds in seconds (ascending). */
    public Histogram(List<Double> boundsSeconds) {
        this.bounds = List.copyOf(boundsSeconds);
        this.boundNanos = new long[bounds.size()];
        for (int i = 0; i < boundNanos.length; i++) {
            boundNanos[i] = Math.round(bounds.get(i) * 1e9);
            if (i > 0 && boundNanos[i] <= boundNanos[i - 1]) {
                throw new IllegalArgumentException("bounds must ascend: " + boundsSeconds);
            }
        }
        this.buckets = new LongAdder[bounds.size() + 1];
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Counts one observation of {@code nanos}. Any thread, lock-free. */
    public void record(long nanos) {
        long n = Math.max(0, nanos);
        int i = 0;
        while (i < boundNanos.length && n > boundNanos[i]) { // <= 17 compares: cheaper than a search's branches
            i++;
        }
        buckets[i].increment();
        sumNanos.add(n);
    }

    /** The upper bounds, in seconds, without +Inf. */
    public List<Double> bounds() {
        return bounds;
    }

    /** Observations per bucket (not cumulative), the last one above every bound. */
    public long[] counts() {
        long[] c = new long[buckets.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = buckets[i].sum();
        }
        return c;
    }

    /** All observations. */
    public long count() {
        long c = 0;
        for (LongAdder b : buckets) {
            c += b.sum();
        }
        return c;
    }

    /** The sum of all observations, in nanoseconds. */
    public long sumNanos() {
        return sumNanos.sum();
    }
}

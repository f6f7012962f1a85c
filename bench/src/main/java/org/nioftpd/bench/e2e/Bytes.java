package org.nioftpd.bench.e2e;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Bytes moved, as a JMH secondary result: JMH reports an OPERATIONS counter
 * as a rate in the benchmark's unit, so {@code megabytes} reads as MB/s
 * (10^6 bytes per second) beside the primary ops/s score.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Bytes {

    public double megabytes;

    @Setup(Level.Iteration)
    public void reset() {
        megabytes = 0;
    }

    public void add(long bytes) {
        megabytes += bytes / 1e6;
    }
}

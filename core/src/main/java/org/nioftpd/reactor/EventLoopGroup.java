package org.nioftpd.reactor;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * N event loops, by default one per core.
 *
 * <p><b>How connections are spread.</b> Each listening socket lives on one loop
 * (listener i on loop i mod N). When it accepts, it hands the new connection to
 * the next loop in round-robin order ({@link #next()}), which then owns the
 * session for its whole life: its control channel, its passive listener and
 * its data channel all live there, so session state needs no locks. We chose
 * this over one listener per loop with SO_REUSEPORT because it is portable
 * (SO_REUSEPORT balances across sockets only on Linux and BSD, and port 0 would
 * bind each loop to a different port), it balances exactly rather than by a
 * hash of the client's address and port, and the cost, one queued task per
 * connection, is small beside a TCP handshake and a login.
 */
public final class EventLoopGroup {

    private final List<EventLoop> loops;
    private final AtomicInteger nextIndex = new AtomicInteger();

    /** {@code onDeath}: told if a loop stops unasked (see {@link EventLoop.DeathHandler}). */
    public EventLoopGroup(int count, String namePrefix, EventLoop.DeathHandler onDeath) {
        if (count < 1) {
            throw new IllegalArgumentException("loops must be >= 1: " + count);
        }
        this.loops = IntStream.range(0, count)
                .mapToObj(i -> new EventLoop(namePrefix + "-" + i, onDeath))
                .toList();
    }

    public void start() {
        loops.forEach(EventLoop::start);
    }

    /** The loop that should own the next new session (round robin). Any thread. */
    public EventLoop next() {
        return loops.get(Math.floorMod(nextIndex.getAndIncrement(), loops.size()));
    }

    public EventLoop get(int index) {
        return loops.get(index % loops.size());
    }

    public List<EventLoop> loops() {
        return loops;
    }

    public int size() {
        return loops.size();
    }

    public void shutdown() {
        loops.forEach(EventLoop::shutdown);
    }

    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (EventLoop loop : loops) {
            long left = deadline - System.nanoTime();
            if (!loop.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }
}

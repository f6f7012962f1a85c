package org.nioftpd.reactor;

/**
 * A task due at a point in time on one {@link EventLoop}. Timers live in the
 * loop's heap, not in a {@code java.util.Timer} thread, so their tasks run on
 * the loop thread with no locking. Cancelling is a flag: a cancelled timer
 * stays in the heap and is dropped unrun when it reaches the top, which keeps
 * cancel O(1). The loop counts cancellations and sweeps the heap once they are
 * half of it, so timers cancelled long before their deadline (every transfer
 * cancels a 1-minute and a 5-minute one) cannot pile up.
 */
public final class Timer implements Comparable<Timer> {

    private final EventLoop loop;
    final long deadlineNanos;
    final long sequence;          // ties broken in scheduling order
    final Runnable task;
    private boolean cancelled;
    private boolean fired;

    Timer(EventLoop loop, long deadlineNanos, long sequence, Runnable task) {
        this.loop = loop;
        this.deadlineNanos = deadlineNanos;
        this.sequence = sequence;
        this.task = task;
    }

    /** Loop thread only. After this the task will not run. Idempotent. */
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            if (!fired) {
                loop.timerCancelled(); // still in the heap: counts toward the next sweep
            }
        }
    }

    /** Taken out of the heap to run: reports cancelled from now on, and is no longer counted. */
    void markFired() {
        fired = true;
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public int compareTo(Timer o) {
        int c = Long.compare(deadlineNanos - o.deadlineNanos, 0); // overflow-safe nanoTime comparison
        return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
}

package org.nioftpd.reactor;

/**
 * A task due at a point in time on one {@link EventLoop}. Timers live in the
 * loop's heap, not in a {@code java.util.Timer} thread, so their tasks run on
 * the loop thread with no locking. Cancelling is a flag: a cancelled timer
 * stays in the heap until its deadline and is then dropped unrun, which keeps
 * cancel O(1).
 */
public final class Timer implements Comparable<Timer> {

    final long deadlineNanos;
    final long sequence;          // ties broken in scheduling order
    final Runnable task;
    private boolean cancelled;

    Timer(long deadlineNanos, long sequence, Runnable task) {
        this.deadlineNanos = deadlineNanos;
        this.sequence = sequence;
        this.task = task;
    }

    /** Loop thread only. After this the task will not run. Idempotent. */
    public void cancel() {
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

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
    /** Null once cancelled or fired: see {@link #cancel}. */
    private Runnable task;
    private boolean cancelled;
    private boolean fired;

    Timer(EventLoop loop, long deadlineNanos, long sequence, Runnable task) {
        this.loop = loop;
        this.deadlineNanos = deadlineNanos;
        this.sequence = sequence;
        this.task = task;
    }

    /**
     * Loop thread only. After this the task will not run. Idempotent.
     *
     * <p>The task is dropped here, not when the timer leaves the heap: until
     * then (its deadline, or the next sweep) its task would hold its whole
     * session (buffers included, about 5 KB). A storm of short connections,
     * behind one live timer at the head of the heap, kept every closed
     * session reachable for the idle timeout: 5,000 connections held 27 MB.
     */
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            task = null;
            if (!fired) {
                loop.timerCancelled(); // still in the heap: counts toward the next sweep
            }
        }
    }

    /**
     * Taken out of the heap to run: returns the task, reports cancelled from
     * now on, and is no longer counted. Loop thread only.
     */
    Runnable fire() {
        Runnable t = task;
        fired = true;
        cancelled = true;
        task = null;
        return t;
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

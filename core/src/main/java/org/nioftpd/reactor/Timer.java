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
    /** Null once cancelled: see {@link #cancel}. */
    private Runnable task;
    private boolean cancelled;

    Timer(long deadlineNanos, long sequence, Runnable task) {
        this.deadlineNanos = deadlineNanos;
        this.sequence = sequence;
        this.task = task;
    }

    /**
     * Loop thread only. After this the task will not run. Idempotent.
     *
     * <p>The task is dropped here, not when the timer leaves the heap: a
     * cancelled timer stays there until its deadline, minutes away for an
     * idle timer, and its task holds its whole session (buffers included,
     * about 5 KB). A storm of short connections, behind one live timer at the
     * head of the heap, kept every closed session reachable for the idle
     * timeout: 5,000 connections held 27 MB.
     */
    public void cancel() {
        cancelled = true;
        task = null;
    }

    /** The task to run now; marks the timer as spent (fired timers report cancelled). Loop thread only. */
    Runnable take() {
        Runnable t = task;
        cancel();
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

package org.nioftpd.reactor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One thread, one {@link Selector}, one task queue, one timer heap.
 *
 * <p>Everything registered with a loop (channels, timers, tasks) is touched by
 * that loop's thread alone, so the state behind it needs no locks. Other
 * threads reach a loop only through {@link #execute}: the task is queued and the
 * selector woken if, and only if, it may be blocked in {@code select} (a wakeup
 * is a system call, so it is skipped whenever the loop is known to be awake).
 *
 * <p>One turn of the loop:
 * <ol>
 *   <li>select, blocking no longer than until the earliest timer (not at all if
 *       tasks are waiting);</li>
 *   <li>dispatch every ready key to its {@link IoHandler}, catching per key;</li>
 *   <li>run the timers that are due;</li>
 *   <li>run the queued tasks (only those present at the start, so a task that
 *       queues a task cannot starve I/O);</li>
 *   <li>run what asked to run {@linkplain #atTurnEnd at the end of the turn}:
 *       the control connections write the replies the turn produced, one
 *       write each however many replies there are.</li>
 * </ol>
 */
public final class EventLoop implements Executor {

    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ArrayDeque<Runnable> turnEnd = new ArrayDeque<>();
    /** True while the loop thread is not blocked in select: no wakeup needed then. */
    private final AtomicBoolean awake = new AtomicBoolean(true);
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Set once by whichever comes first: {@link #start} (the thread runs) or {@link #shutdown} (it never will). */
    private final AtomicBoolean started = new AtomicBoolean();
    private final Consumer<SelectionKey> dispatch = this::dispatch;
    /**
     * 1 MiB, a turn's whole upload budget in one read. Measured (bench: {@code load
     * --scenario stor}, new files, builds interleaved): 256 KiB 1,948 MB/s and 34 ms
     * of server CPU per 64 MiB, 512 KiB 2,391 MB/s and 27 ms, 1 MiB 2,509 and 26 ms;
     * 2 MiB no better. Fewer, larger read and write calls; the socket had the bytes.
     */
    private static final int IO_BUFFER_SIZE = 1024 * 1024;
    private ByteBuffer ioBuffer;
    private volatile boolean running = true;
    private long timerSequence;
    /** Cancelled timers still in {@link #timers}: swept when they are half of it. */
    private int cancelledTimers;
    /** Timers scheduled and neither cancelled nor fired; written by the loop thread only. */
    private volatile int liveTimers;
    /** A turn that works longer than this (10 ms) is a flight-recorder event ({@link LoopTurnEvent}). */
    static final long SLOW_TURN_NANOS = 10_000_000L;

    /** Loop-thread statistics, read (racily, as monitoring may) by other threads. */
    private volatile long handledEvents;
    private volatile long busyNanos;
    private final long startNanos = System.nanoTime();
    /** When the first key of the current select was dispatched: the end of waiting. 0 if none yet. */
    private long firstDispatchNanos;

    /**
     * Told once, on the dying loop's thread, when the loop stops for any reason
     * but {@link #shutdown}: an {@link Error} the JVM cannot recover from
     * ({@link VirtualMachineError}: out of memory, an internal error) or a bug
     * in the loop itself. Its sessions can no longer be served; a process that
     * went on would look alive and answer no one.
     */
    public interface DeathHandler {
        void died(EventLoop loop, Throwable cause);
    }

    private final DeathHandler onDeath;

    /** A loop whose unexpected death is only logged. */
    public EventLoop(String name) {
        this(name, (loop, cause) -> { });
    }

    public EventLoop(String name, DeathHandler onDeath) {
        this.onDeath = onDeath;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(false);
    }

    public void start() {
        if (started.compareAndSet(false, true)) {
            thread.start();
        }
    }

    /** True when the caller is this loop's thread. */
    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Queues {@code task} to run on the loop thread; wakes the loop only if it may be blocked. Any thread. */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop() && awake.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Runs {@code task} now if called on the loop thread, else queues it. Any thread. */
    public void run(Runnable task) {
        if (inLoop()) {
            task.run();
        } else {
            execute(task);
        }
    }

    /**
     * Runs {@code task} once at the end of this turn, after every ready key,
     * due timer and queued task, before the loop selects again. For work that
     * gains from being done once for all a turn produced: a session's replies
     * (the 150 and 226 of a small file leave in one segment, not two). Loop
     * thread only; the caller makes sure it asks once per turn.
     */
    public void atTurnEnd(Runnable task) {
        assert inLoop() : "turn-end work belongs to the loop thread";
        turnEnd.add(task);
    }

    /** Schedules {@code task} after {@code delay}. Loop thread only. */
    public Timer schedule(long delay, TimeUnit unit, Runnable task) {
        assert inLoop() : "timers belong to the loop thread";
        Timer t = new Timer(this, System.nanoTime() + unit.toNanos(delay), timerSequence++, task);
        timers.add(t);
        liveTimers++; // volatile, but one writer: the loop thread
        return t;
    }

    /**
     * A timer still in the heap was cancelled. Loop thread only. Once cancelled
     * timers are half the heap they are swept in one O(n) pass, so a sweep costs
     * O(1) per cancel and the heap stays at most twice the live timers.
     */
    void timerCancelled() {
        liveTimers--;
        if (++cancelledTimers > 64 && cancelledTimers > timers.size() / 2) {
            timers.removeIf(Timer::isCancelled);
            cancelledTimers = 0;
        }
    }

    /** Registers {@code channel} with this loop's selector. Loop thread only. */
    public SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws ClosedChannelException {
        assert inLoop() : "channels belong to the loop thread";
        return channel.register(selector, ops, handler);
    }

    public String name() {
        return thread.getName();
    }

    /** Number of channels registered on this loop (approximate outside the loop thread). */
    public int registeredKeys() {
        return selector.keys().size();
    }

    /**
     * A direct buffer for I/O that begins and ends within one callback on
     * this loop (read from a socket, then written to a file): one per loop,
     * so that uploads cost no copy into and out of the heap and no buffer per
     * transfer. Never kept across calls. Loop thread only.
     */
    public ByteBuffer ioBuffer() {
        assert inLoop() : "the I/O buffer belongs to the loop thread";
        if (ioBuffer == null) {
            ioBuffer = ByteBuffer.allocateDirect(IO_BUFFER_SIZE);
        }
        return ioBuffer.clear();
    }

    /** Timers in the heap, cancelled ones not yet dropped included. Loop thread only (monitoring, tests). */
    public int pendingTimers() {
        assert inLoop() : "timers belong to the loop thread";
        return timers.size();
    }

    /**
     * Timers that will still run: what keeps their owners reachable. A count
     * that stays up after sessions have ended is a leak. Any thread (racy, as
     * monitoring may be).
     */
    public int liveTimers() {
        return liveTimers;
    }

    /** Keys dispatched and tasks run since the loop started. */
    public long handledEvents() {
        return handledEvents;
    }

    /** Share of the time since the start spent working rather than waiting in select: 0.0 to 1.0. */
    public double load() {
        long elapsed = System.nanoTime() - startNanos;
        return elapsed <= 0 ? 0 : Math.min(1.0, (double) busyNanos / elapsed);
    }

    /** Asks the loop to stop after its current turn; closes every channel still registered. Any thread. */
    public void shutdown() {
        running = false;
        if (started.compareAndSet(false, true)) {
            // Never started (a server whose start() failed to bind): no thread will
            // close the selector or count down, and awaitTermination would wait in vain.
            // Nothing can be registered (that takes the loop thread); queued tasks are dropped.
            try {
                selector.close();
            } catch (IOException ignored) {
                // shutting down
            }
            terminated.countDown();
            return;
        }
        selector.wakeup();
    }

    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return terminated.await(timeout, unit);
    }

    private void run() {
        Throwable death = null;
        try {
            while (running) {
                turn();
            }
        } catch (Throwable t) {
            death = t;
        }
        if (death != null) {
            // Before the clean-up: under an OutOfMemoryError that may fail too, and the
            // handler (the daemon exits so that its supervisor restarts it) must run.
            try {
                LOG.log(System.Logger.Level.ERROR, "event loop " + name() + " died", death);
            } catch (Throwable ignored) {
                // nothing more can be said
            }
            try {
                onDeath.died(this, death);
            } catch (Throwable ignored) {
                // the handler's own failure changes nothing: the loop is gone
            }
        }
        try {
            closeAll();
        } finally {
            terminated.countDown();
        }
    }

    /**
     * An error the JVM cannot recover from ends the loop (see {@link DeathHandler}):
     * caught per key or per task like any other, it would leave a loop that runs
     * on half-updated state, or, as seen, one dead thread and a live process.
     */
    private static void rethrowIfFatal(Throwable t) {
        if (t instanceof VirtualMachineError fatal) {
            throw fatal;
        }
    }

    private void turn() {
        firstDispatchNanos = 0;
        try {
            long timeoutMillis = selectTimeoutMillis();
            if (timeoutMillis == 0 || !tasks.isEmpty() || !turnEnd.isEmpty()) {
                selector.selectNow(dispatch);
            } else {
                // Announce that we may block, then look at the queue once more:
                // a task queued before the announcement is seen here, one queued
                // after it finds awake == false and wakes the selector.
                awake.set(false);
                if (tasks.isEmpty()) {
                    selector.select(dispatch, timeoutMillis);
                } else {
                    selector.selectNow(dispatch);
                }
                awake.set(true);
            }
            long work = firstDispatchNanos != 0 ? firstDispatchNanos : System.nanoTime();
            runTimers();
            runTasks();
            runTurnEnd();
            long worked = System.nanoTime() - work;
            busyNanos += worked; // dispatch, timers and tasks; not the wait in select
            if (worked > SLOW_TURN_NANOS) {
                LoopTurnEvent.emit(name(), worked, registeredKeys()); // JFR, when recording
            }
        } catch (IOException e) {
            // Selector I/O failure: nothing a key did. Log and carry on; the loop must live.
            LOG.log(System.Logger.Level.ERROR, "selector failure on " + name(), e);
        } catch (Throwable t) {
            rethrowIfFatal(t);
            LOG.log(System.Logger.Level.ERROR, "unexpected failure on " + name(), t);
        }
    }

    /** Work queued by {@link #atTurnEnd}, including what that work itself queues (a flush that runs the next command). */
    private void runTurnEnd() {
        Runnable r;
        while ((r = turnEnd.poll()) != null) {
            try {
                r.run();
            } catch (Throwable t) {
                rethrowIfFatal(t);
                LOG.log(System.Logger.Level.ERROR, "turn-end task failed on " + name(), t);
            }
        }
    }

    /**
     * How long select may block: 0 when the earliest timer is due (do not
     * block), else the milliseconds until it, rounded up; 60 s when there is
     * no timer at all. Drops cancelled timers from the top of the heap first.
     */
    private long selectTimeoutMillis() {
        Timer next;
        while ((next = timers.peek()) != null && next.isCancelled()) {
            timers.poll();
            cancelledTimers--;
        }
        if (next == null) {
            return 60_000; // no timer: wake once a minute anyway, cheap and defensive
        }
        long nanos = next.deadlineNanos - System.nanoTime();
        if (nanos <= 0) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private void dispatch(SelectionKey key) {
        if (firstDispatchNanos == 0) {
            firstDispatchNanos = System.nanoTime();
        }
        handledEvents++;
        IoHandler handler = (IoHandler) key.attachment();
        try {
            if (key.isValid()) {
                handler.onReady(key, key.readyOps());
            }
        } catch (Throwable t) {
            rethrowIfFatal(t);
            try {
                handler.onFailure(t);
            } catch (Throwable again) {
                rethrowIfFatal(again);
                LOG.log(System.Logger.Level.ERROR, "handler failed while failing", again);
                key.cancel();
            }
        }
    }

    private void runTimers() {
        long now = System.nanoTime();
        Timer t;
        while ((t = timers.peek()) != null && t.deadlineNanos - now <= 0) {
            timers.poll();
            if (t.isCancelled()) {
                cancelledTimers--;
            } else {
                liveTimers--;
                safely(t.fire()); // fired timers report cancelled: they will not run again
            }
        }
    }

    private void runTasks() {
        for (int n = tasks.size(); n > 0; n--) {
            Runnable task = tasks.poll();
            if (task == null) {
                break;
            }
            handledEvents++;
            safely(task);
        }
    }

    private void safely(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            rethrowIfFatal(t);
            LOG.log(System.Logger.Level.ERROR, "task failed on " + name(), t);
        }
    }

    private void closeAll() {
        runTasks(); // let queued close requests run first
        runTurnEnd(); // and the replies they wrote (421) reach the socket
        for (SelectionKey key : selector.keys()) {
            Object att = key.attachment();
            try {
                if (att instanceof AutoCloseable c) {
                    c.close();
                } else {
                    key.channel().close();
                }
            } catch (Exception ignored) {
                // shutting down: nothing more to do with it
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // shutting down
        }
    }
}

package org.nioftpd.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.TestServer;

/** The reactor on its own: tasks from any thread, timers in order, failures contained, no timer pile-up. */
@Timeout(30)
class EventLoopTest {

    EventLoop loop;

    @BeforeEach
    void start() {
        loop = new EventLoop("test-loop");
        loop.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdown();
        assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
    }

    /** Runs {@code what} on the loop thread and returns its result. */
    static <T> T onLoop(EventLoop loop, Supplier<T> what) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                f.complete(what.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    /**
     * Regression (hostile-load issue, item 1): an OutOfMemoryError ended the loop
     * threads and left a live process that answered no one. A fatal error now
     * ends the loop on purpose and its death handler is told, once.
     */
    @Test
    void aFatalErrorEndsTheLoopAndTellsTheDeathHandlerOnce() throws Exception {
        List<Throwable> told = new CopyOnWriteArrayList<>();
        CountDownLatch dead = new CountDownLatch(1);
        EventLoop dying = new EventLoop("dying-loop", (l, cause) -> {
            told.add(cause);
            dead.countDown();
        });
        dying.start();
        dying.execute(() -> {
            throw new OutOfMemoryError("simulated");
        });
        assertTrue(dead.await(10, TimeUnit.SECONDS), "death handler told");
        assertTrue(dying.awaitTermination(10, TimeUnit.SECONDS), "the loop has ended");
        assertEquals(1, told.size());
        assertEquals("simulated", told.get(0).getMessage());
    }

    @Test
    void anOrdinaryFailureIsContainedAndNoDeathIsReported() throws Exception {
        List<Throwable> told = new CopyOnWriteArrayList<>();
        EventLoop living = new EventLoop("living-loop", (l, cause) -> told.add(cause));
        living.start();
        try {
            living.execute(() -> {
                throw new IllegalStateException("a bug in one task");
            });
            assertEquals("still here", onLoop(living, () -> "still here"));
        } finally {
            living.shutdown();
            assertTrue(living.awaitTermination(10, TimeUnit.SECONDS));
        }
        assertTrue(told.isEmpty(), "a shutdown is no death: " + told);
    }

    @Test
    void tasksFromOtherThreadsRunOnTheLoopInOrder() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        AtomicBoolean wrongThread = new AtomicBoolean();
        for (int i = 0; i < 1000; i++) {
            int n = i;
            loop.execute(() -> {
                wrongThread.compareAndSet(false, !loop.inLoop());
                seen.add(n);
            });
        }
        assertEquals(1000, (int) onLoop(loop, seen::size));
        assertFalse(wrongThread.get());
        for (int i = 0; i < 1000; i++) {
            assertEquals(i, seen.get(i));
        }
    }

    @Test
    void runIsInlineOnTheLoopThread() throws Exception {
        assertTrue(onLoop(loop, () -> {
            boolean[] ran = new boolean[1];
            loop.run(() -> ran[0] = true);
            return ran[0];
        }));
    }

    @Test
    void timersFireInDeadlineOrderAndCancelledOnesDoNot() throws Exception {
        List<String> fired = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(() -> {
            loop.schedule(30, TimeUnit.MILLISECONDS, () -> fired.add("c"));
            loop.schedule(10, TimeUnit.MILLISECONDS, () -> fired.add("a"));
            loop.schedule(20, TimeUnit.MILLISECONDS, () -> fired.add("b"));
            loop.schedule(15, TimeUnit.MILLISECONDS, () -> fired.add("cancelled")).cancel();
            loop.schedule(40, TimeUnit.MILLISECONDS, done::countDown);
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("a", "b", "c"), fired);
    }

    /**
     * A bug in one task (an exception, or an Error that is not the JVM's own,
     * such as a failed assertion) is logged and the loop goes on. An
     * OutOfMemoryError no longer is: it ends the loop on purpose, see
     * {@link #aFatalErrorEndsTheLoopAndTellsTheDeathHandlerOnce}.
     */
    @Test
    void aFailingTaskDoesNotStopTheLoop() throws Exception {
        loop.execute(() -> {
            throw new IllegalStateException("boom");
        });
        loop.execute(() -> {
            throw new AssertionError("pretend");
        });
        assertEquals("alive", onLoop(loop, () -> "alive"));
    }

    /**
     * Bug: a cancelled timer stayed in the heap until its deadline. Every
     * transfer cancels two (the accept wait and the stall check, 1 and 5
     * minutes by default), so the heap grew with the transfer rate times
     * five minutes.
     */
    @Test
    void cancelledTimersDoNotPileUp() throws Exception {
        int live = onLoop(loop, () -> {
            for (int i = 0; i < 100_000; i++) {
                loop.schedule(1, TimeUnit.HOURS, () -> { }).cancel();
            }
            loop.schedule(1, TimeUnit.HOURS, () -> { }); // one that stays
            return loop.pendingTimers();
        });
        assertTrue(live < 1_000, "cancelled timers dropped, " + live + " left");
    }

    @Test
    void transfersLeaveNoTimersBehind(@TempDir Path dir) throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.loops(1))) {
            FTPClient c = server.client();
            for (int i = 0; i < 1500; i++) {
                assertTrue(c.listNames() != null, c.getReplyString());
            }
            EventLoop only = org.nioftpd.ServerInternals.loops(server.server()).get(0);
            int pending = onLoop(only, only::pendingTimers);
            assertTrue(pending < 1_000, "after 1500 transfers, " + pending + " timers in the heap");
            c.disconnect();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

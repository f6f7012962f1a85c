package org.nioftpd;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.nioftpd.reactor.EventLoop;

/**
 * What tests in other packages may see of a server's insides, and the
 * embedding API does not show: its loops, to run a task on one (inject a
 * failure, wait for a turn). Test sources only.
 */
@SuppressWarnings("exports") // test sources only: they may hand out the internal loops
public final class ServerInternals {

    private ServerInternals() {
    }

    public static List<EventLoop> loops(FtpServer server) {
        return server.loops().loops();
    }

    /** Runs {@code task} on loop {@code index} of {@code server}. */
    public static void onLoop(FtpServer server, int index, Runnable task) {
        server.loops().get(index).execute(task);
    }

    /** Returns once loop {@code index} has run a task queued now: everything queued before it ran. */
    public static void settle(FtpServer server, int index) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        server.loops().get(index).execute(done::countDown);
        if (!done.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("loop " + index + " did not run a task in 10 s");
        }
    }

    /** Store calls {@code server} ever ran on its storage pool. */
    public static long storageCalls(FtpServer server) {
        return server.storageCalls();
    }

    /** Live timers on every loop of {@code server}. */
    public static int liveTimers(FtpServer server) {
        return server.loopStats().stream().mapToInt(FtpServer.LoopStats::liveTimers).sum();
    }

    /** The checksum lane {@code b}'s server will use: one the test can hold busy, to order work deterministically. */
    public static FtpServer.Builder bulkLane(FtpServer.Builder b, java.util.concurrent.ExecutorService lane) {
        b.bulkLaneForTests = lane;
        return b;
    }
}

package org.nioftpd.server;

import java.io.PrintStream;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The daemon's answer to an event loop that died (an {@link OutOfMemoryError},
 * a bug in the loop): one last line on standard error, then exit with status
 * {@value #STATUS}, so that systemd's {@code Restart=on-failure} or a
 * container's restart policy starts a fresh server. Going on would leave a
 * process that accepts connections and answers no one, which no supervisor
 * restarts (seen: 847 s of it after an out-of-memory, until someone looked).
 *
 * <p>{@link Runtime#halt}, not {@link System#exit}: the shutdown hook's
 * graceful stop would wait for sessions that the dead loop can never end.
 */
final class FatalExit implements Consumer<Throwable> {

    /** EX_SOFTWARE (sysexits.h): an internal software error. */
    static final int STATUS = 70;

    private final PrintStream err;
    private final IntConsumer exit;

    FatalExit(PrintStream err, IntConsumer exit) {
        this.err = err;
        this.exit = exit;
    }

    /** Halts the JVM. */
    static FatalExit halting(PrintStream err) {
        return new FatalExit(err, status -> Runtime.getRuntime().halt(status));
    }

    @Override
    public void accept(Throwable cause) {
        try {
            err.println("nioftpd: fatal: event loop " + Thread.currentThread().getName() + " died (" + cause
                    + "); exiting with status " + STATUS + " so that the supervisor restarts the server");
            err.flush();
        } catch (Throwable ignored) {
            // out of memory even for the line: exit all the same
        }
        exit.accept(STATUS);
    }
}

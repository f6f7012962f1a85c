package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Regression (hostile-load issue, item 1): the daemon's loops died of an
 * OutOfMemoryError and the process lived on, answering no one, so systemd never
 * restarted it. Now a dead loop makes the daemon say so in one line and exit 70.
 */
@Timeout(30)
class FatalExitTest extends DaemonTestBase {

    @Test
    void aLoopThatDiesMakesTheDaemonSayWhyAndExitSeventy() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        FatalExit fatal = new FatalExit(new PrintStream(err, true, StandardCharsets.UTF_8), exit::complete);
        Daemon d = Daemon.start(Options.parse(withDefaults()), fatal);
        try {
            org.nioftpd.ServerInternals.onLoop(d.server(), 0, () -> {
                throw new OutOfMemoryError("Java heap space (simulated)");
            });
            assertEquals(70, exit.get(20, TimeUnit.SECONDS));
            String line = err.toString(StandardCharsets.UTF_8);
            assertTrue(line.startsWith("nioftpd: fatal: event loop nioftpd-loop-0 died"
                    + " (java.lang.OutOfMemoryError: Java heap space (simulated)); exiting with status 70"), line);
        } finally {
            d.close();
        }
    }
}

package org.nioftpd.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** shutdown(grace): idle sessions get 421 at once; a running transfer finishes, gets 226, then 421. */
@Timeout(60)
class GracefulShutdownTest {

    @TempDir
    Path dir;

    @Test
    void runningTransferFinishesIdleSessionIsToldAtOnce() throws Exception {
        byte[] data = new byte[400_000];
        new Random(3).nextBytes(data);
        Files.write(dir.resolve("big.bin"), data);
        TestServer server = TestServer.start(dir, b -> b.bandwidth(200_000, 0)); // the download lasts ~2 s
        try (RawClient idle = new RawClient(server.port()); RawClient busy = new RawClient(server.port())) {
            idle.reply();
            idle.login("u", "p");
            busy.reply();
            busy.login("u", "p");
            busy.command("TYPE I");
            Matcher m = Pattern.compile("\\|\\|\\|(\\d+)\\|").matcher(busy.command("EPSV"));
            assertTrue(m.find());
            try (Socket data1 = new Socket()) {
                data1.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))), 5000);
                String started = busy.command("RETR big.bin");
                assertTrue(started.startsWith("125") || started.startsWith("150"), started);
                CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(
                        () -> server.server().shutdown(Duration.ofSeconds(30)));
                assertTrue(idle.reply().startsWith("421"), "the idle session is told at once");
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                try (InputStream in = data1.getInputStream()) {
                    in.transferTo(got);
                }
                assertArrayEquals(data, got.toByteArray(), "the transfer completed");
                assertTrue(busy.reply().startsWith("226"));
                assertTrue(busy.reply().startsWith("421"));
                assertTrue(drained.get(), "every session ended within the grace period");
                assertEquals(0, server.server().sessionCount());
            }
        } finally {
            server.close();
        }
    }
}

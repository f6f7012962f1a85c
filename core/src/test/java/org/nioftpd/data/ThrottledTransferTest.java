package org.nioftpd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.TestServer;

/**
 * A server-wide rate limit holds transfers back (a lower bound on their
 * duration, not a speed claim) and they still arrive intact. Paused
 * transfers wait on loop timers, so this also proves that pause and resume
 * lose no byte.
 */
@Timeout(60)
class ThrottledTransferTest {

    @TempDir
    Path dir;

    @Test
    void downloadAndUploadObeyTheServerRate() throws Exception {
        byte[] data = new byte[600_000];
        new Random(7).nextBytes(data);
        Files.write(dir.resolve("f.bin"), data);
        long rate = 400_000;
        try (TestServer server = TestServer.start(dir, b -> b.bandwidth(rate, rate))) {
            FTPClient c = server.client();
            long t0 = System.nanoTime();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(c.retrieveFile("f.bin", out), c.getReplyString());
            long downNanos = System.nanoTime() - t0;
            assertArrayEquals(data, out.toByteArray());
            t0 = System.nanoTime();
            assertTrue(c.storeFile("g.bin", new ByteArrayInputStream(data)), c.getReplyString());
            long upNanos = System.nanoTime() - t0;
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("g.bin")));
            // 600 kB at 400 kB/s, less one 0.1 s burst: at least 1.3 s each way.
            assertTrue(downNanos > 1_300_000_000L, "download took only " + downNanos / 1_000_000 + " ms");
            assertTrue(upNanos > 1_300_000_000L, "upload took only " + upNanos / 1_000_000 + " ms");
            c.disconnect();
        }
    }
}

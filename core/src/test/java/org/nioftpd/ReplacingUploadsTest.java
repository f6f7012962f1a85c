package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.TestServer;

/**
 * Uploads that replace an existing file commit (close, rename over the old
 * one) on the worker pool, off the loop, and answer 226 only once the file is
 * in place: a RETR right after the 226 sees the new content, sessions racing
 * to replace one name leave one whole version of it, and no temporary file
 * is left behind.
 */
@Timeout(60)
class ReplacingUploadsTest {

    @TempDir
    Path dir;

    private static byte[] version(int session, int round) {
        byte[] b = new byte[200_000 + session * 1_000 + round];
        Arrays.fill(b, (byte) ('A' + session));
        b[0] = (byte) round;
        return b;
    }

    @Test
    void theTwoTwentySixComesAfterTheRenameAndRacingReplacementsLeaveOneWholeVersion() throws Exception {
        Files.write(dir.resolve("shared.bin"), new byte[] {1, 2, 3});
        try (TestServer server = TestServer.start(dir)) {
            int sessions = 4;
            int rounds = 15;
            ExecutorService pool = Executors.newFixedThreadPool(sessions);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int s = 0; s < sessions; s++) {
                    int session = s;
                    done.add(pool.submit(() -> {
                        FTPClient c = server.client();
                        c.setFileType(FTP.BINARY_FILE_TYPE);
                        String own = "own-" + session + ".bin";
                        for (int r = 0; r < rounds; r++) {
                            byte[] content = version(session, r);
                            // its own name: what it reads back right after the 226 must be what it sent
                            assertTrue(c.storeFile(own, new ByteArrayInputStream(content)), c.getReplyString());
                            ByteArrayOutputStream back = new ByteArrayOutputStream();
                            assertTrue(c.retrieveFile(own, back), c.getReplyString());
                            assertArrayEquals(content, back.toByteArray(), own + " round " + r);
                            // the shared name: everyone replaces it
                            assertTrue(c.storeFile("shared.bin", new ByteArrayInputStream(content)), c.getReplyString());
                        }
                        c.logout();
                        c.disconnect();
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(50, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            byte[] shared = Files.readAllBytes(dir.resolve("shared.bin"));
            boolean whole = false;
            for (int s = 0; s < sessions && !whole; s++) {
                whole = Arrays.equals(shared, version(s, rounds - 1));
            }
            assertTrue(whole, "shared.bin is one session's last version, whole (" + shared.length + " bytes)");
            try (var files = Files.list(dir)) {
                assertEquals(sessions + 1, files.count(), "the own files and shared.bin, no temporary left");
            }
        }
    }
}

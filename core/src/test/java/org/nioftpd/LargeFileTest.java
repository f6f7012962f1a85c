package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.TestServer;

/**
 * A 50 MB random file up and down, checked by SHA-256. Streamed from disk and
 * hashed on the fly: the test never holds the file in memory.
 */
@Timeout(120)
class LargeFileTest {

    static final long SIZE = 50L * 1024 * 1024 + 12_345; // not a multiple of any buffer

    @TempDir
    Path dir;
    TestServer server;
    Path local;
    byte[] sha;

    @BeforeEach
    void start() throws IOException, NoSuchAlgorithmException {
        server = TestServer.start(dir.resolve("root"));
        local = dir.resolve("local.bin");
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        Random random = new Random(1234);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(local)) {
            for (long left = SIZE; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                md.update(chunk, 0, n);
            }
        }
        sha = md.digest();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void uploadThenDownload() throws Exception {
        FTPClient c = server.client();
        try (InputStream in = Files.newInputStream(local)) {
            assertTrue(c.storeFile("big.bin", in), c.getReplyString());
        }
        Path stored = server.root().resolve("big.bin");
        assertEquals(SIZE, Files.size(stored));
        assertArrayEquals(sha, sha256(stored), "stored file");

        MessageDigest md = MessageDigest.getInstance("SHA-256");
        long n;
        try (InputStream in = new DigestInputStream(c.retrieveFileStream("big.bin"), md)) {
            n = in.transferTo(OutputStream.nullOutputStream());
        }
        assertTrue(c.completePendingCommand(), c.getReplyString());
        assertEquals(SIZE, n);
        assertArrayEquals(sha, md.digest(), "downloaded file");
        assertEquals(213, c.sendCommand("SIZE big.bin"));
        assertEquals("213 " + SIZE, c.getReplyString().trim());
        c.disconnect();
    }

    static byte[] sha256(Path p) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(p), md)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return md.digest();
    }
}

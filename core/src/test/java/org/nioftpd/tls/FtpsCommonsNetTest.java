package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nioftpd.tls.TlsTesting.randomBytes;
import static org.nioftpd.tls.TlsTesting.sha256;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nioftpd.testing.TestServer;

/** FTPS driven by Commons Net's FTPSClient, explicit (AUTH TLS) and implicit, PROT P transfers checked by SHA-256. */
@Timeout(60)
class FtpsCommonsNetTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "implicit={0}")
    @ValueSource(booleans = {false, true})
    void protectedUploadAndDownloadKeepEveryByte(boolean implicit) throws Exception {
        byte[] small = "hello over TLS\n".getBytes();
        byte[] big = randomBytes(5 * 1024 * 1024 + 17, 42); // 5 MB and an odd tail: many records, partial last one
        try (TestServer server = TlsTesting.server(dir)) {
            FTPSClient c = TlsTesting.login(server, implicit);
            assertTrue(c.storeFile("small.txt", new ByteArrayInputStream(small)), c.getReplyString());
            assertTrue(c.storeFile("big.bin", new ByteArrayInputStream(big)), c.getReplyString());
            assertEquals(sha256(small), sha256(dir.resolve("small.txt")));
            assertEquals(sha256(big), sha256(dir.resolve("big.bin")));

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(c.retrieveFile("big.bin", out), c.getReplyString());
            assertEquals(sha256(big), sha256(out.toByteArray()));
            out.reset();
            assertTrue(c.retrieveFile("small.txt", out), c.getReplyString());
            assertArrayEquals(small, out.toByteArray());

            String[] names = c.listNames();
            Arrays.sort(names);
            assertArrayEquals(new String[] {"big.bin", "small.txt"}, names);
            assertEquals(2, c.mlistDir().length);
            assertTrue(c.sendNoOp());
            c.logout();
            c.disconnect();
        }
    }

    @Test
    void manyClientsAtOnceShareTwoLoops() throws Exception {
        // Handshakes' delegated tasks run on the worker pool and resume on the loops: sessions interleave.
        int clients = 8;
        try (TestServer server = TlsTesting.server(dir)) {
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
            try {
                java.util.List<java.util.concurrent.Future<String>> done = new java.util.ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    int n = i;
                    done.add(pool.submit(() -> {
                        byte[] data = randomBytes(300_000 + n, n);
                        FTPSClient c = TlsTesting.login(server, n % 2 == 1);
                        if (!c.storeFile("f" + n, new ByteArrayInputStream(data))) {
                            return "store " + n + ": " + c.getReplyString();
                        }
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        if (!c.retrieveFile("f" + n, out) || !sha256(data).equals(sha256(out.toByteArray()))) {
                            return "retrieve " + n + ": " + c.getReplyString();
                        }
                        c.logout();
                        c.disconnect();
                        return "ok";
                    }));
                }
                for (java.util.concurrent.Future<String> f : done) {
                    assertEquals("ok", f.get(50, java.util.concurrent.TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void emptyFileGoesBothWays() throws Exception {
        try (TestServer server = TlsTesting.server(dir)) {
            FTPSClient c = TlsTesting.login(server, false);
            assertTrue(c.storeFile("empty", new ByteArrayInputStream(new byte[0])), c.getReplyString());
            assertEquals(0, Files.size(dir.resolve("empty")));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(c.retrieveFile("empty", out), c.getReplyString());
            assertEquals(0, out.size());
            c.disconnect();
        }
    }
}

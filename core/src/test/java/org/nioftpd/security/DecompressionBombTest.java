package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Issue 19, item 2: a MODE Z upload is bounded. A small zlib stream of zeros
 * that expands past the server's ratio limit is refused with 552; its
 * temporary file is removed and the older file of that name is intact. (How
 * much one turn may write is {@code org.nioftpd.data.InflateBudgetTest}.)
 * Checked against the code before the limit: the bomb was stored whole, 226.
 */
@Timeout(60)
class DecompressionBombTest {

    @TempDir
    Path dir;

    /** {@code n} zero bytes, zlib-compressed at the best level: about 1,000 times smaller. */
    static byte[] zeros(long n) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream z = new DeflaterOutputStream(bytes, new Deflater(Deflater.BEST_COMPRESSION))) {
            byte[] block = new byte[1 << 16];
            for (long left = n; left > 0; left -= block.length) {
                z.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void aZlibBombIsRefusedWith552AndLeavesNoTemporaryFileAndTheOldFileIntact() throws Exception {
        byte[] old = "the old content\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(dir.resolve("f.bin"), old);
        byte[] bomb = zeros(256L << 20); // 256 MiB from about 260 KB
        try (TestServer server = TestServer.start(dir, b -> b.maxInflateRatio(100, 1 << 20));
             RawClient c = new RawClient(server.port())) {
            c.greetAndLogin(TestServer.USER, TestServer.PASSWORD);
            c.expect("TYPE I", 200);
            c.expect("MODE Z", 200);
            int port = c.pasv();
            try (Socket data = c.connectData(port)) {
                c.send("STOR f.bin");
                String mark = c.reply();
                assertTrue(mark.startsWith("125") || mark.startsWith("150"), mark);
                try {
                    data.getOutputStream().write(bomb);
                    data.shutdownOutput();
                } catch (IOException refusedMeanwhile) {
                    // the server may close the data connection before the client is done sending
                }
                String reply = c.reply();
                assertTrue(reply.startsWith("552 "), reply);
                assertTrue(reply.contains("expands more than 100 times"), reply);
            }
            assertEquals("200 NOOP ok.", c.command("NOOP"));
        }
        try (var names = Files.list(dir)) {
            assertEquals(List.of("f.bin"), names.map(p -> p.getFileName().toString()).toList());
        }
        assertArrayEquals(old, Files.readAllBytes(dir.resolve("f.bin")));
    }

    @Test
    void aStreamWithinTheRatioIsStored() throws Exception {
        byte[] text = "a line of text that compresses well, as logs do\n".repeat(50_000)
                .getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (OutputStream out = new DeflaterOutputStream(z)) {
            out.write(text);
        }
        try (TestServer server = TestServer.start(dir, b -> b.maxInflateRatio(1000, 0));
             RawClient c = new RawClient(server.port())) {
            c.greetAndLogin(TestServer.USER, TestServer.PASSWORD);
            c.expect("TYPE I", 200);
            c.expect("MODE Z", 200);
            int port = c.pasv();
            try (Socket data = c.connectData(port)) {
                c.send("STOR t.txt");
                String mark = c.reply();
                assertTrue(mark.startsWith("125") || mark.startsWith("150"), mark);
                data.getOutputStream().write(z.toByteArray());
                data.shutdownOutput();
                assertTrue(c.reply().startsWith("226"));
            }
        }
        assertArrayEquals(text, Files.readAllBytes(dir.resolve("t.txt")));
    }

    /** The budget's pause and resume under a rate limit lose no byte, whether the input inflates much or not. */
    @Test
    void aThrottledDeflatedUploadArrivesIntact() throws Exception {
        byte[] mixed = new byte[(3 << 20) + 300_000];
        new java.util.Random(3).nextBytes(mixed);
        java.util.Arrays.fill(mixed, 100_000, (3 << 20) + 100_000, (byte) 0); // 3 MiB of zeros inside
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (OutputStream out = new DeflaterOutputStream(z)) {
            out.write(mixed);
        }
        try (TestServer server = TestServer.start(dir, b -> b.bandwidth(0, 400_000).maxInflateRatio(100, 0));
             RawClient c = new RawClient(server.port())) {
            c.greetAndLogin(TestServer.USER, TestServer.PASSWORD);
            c.expect("TYPE I", 200);
            c.expect("MODE Z", 200);
            int port = c.pasv();
            try (Socket data = c.connectData(port)) {
                c.send("STOR m.bin");
                String mark = c.reply();
                assertTrue(mark.startsWith("125") || mark.startsWith("150"), mark);
                data.getOutputStream().write(z.toByteArray());
                data.shutdownOutput();
                String done = c.reply();
                assertTrue(done.startsWith("226"), done);
            }
        }
        assertArrayEquals(mixed, Files.readAllBytes(dir.resolve("m.bin")));
    }
}

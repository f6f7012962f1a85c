package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Data integrity with Commons Net: binary round trips by SHA-256 at the
 * sizes where buffers break (0, 1, 8191, 8192, 1 MiB + 7, 64 MiB), passive
 * and active; ASCII conversion in both directions; APPE; and a download
 * interrupted mid-stream then resumed with REST.
 *
 * <p>Files are generated on disk from a seeded Random, streamed, and hashed
 * from disk: the 64 MiB one is never held in memory.
 */
@Timeout(120)
class IntegrityTest {

    @TempDir
    Path dir;
    TestServer server;
    Path root;
    Path local;
    FTPClient client;

    @BeforeEach
    void start() throws IOException {
        root = dir.resolve("root");
        local = Files.createDirectories(dir.resolve("local"));
        server = TestServer.start(root);
        client = server.client();
    }

    @AfterEach
    void stop() throws IOException {
        try {
            if (client.isConnected()) {
                client.disconnect();
            }
        } finally {
            server.close();
        }
    }

    @ParameterizedTest(name = "{0} bytes, passive={1}")
    @CsvSource({
        "0, true", "1, true", "8191, true", "8192, true", "1048583, true",
        "0, false", "1, false", "8191, false", "8192, false", "1048583, false",
        "67108864, true"})
    void binaryRoundTrip(long size, boolean passive) throws Exception {
        if (!passive) {
            client.enterLocalActiveMode();
        }
        Path up = generate(local.resolve("up.bin"), size, size ^ 0x5eed);
        String sha = sha256(up);
        try (InputStream in = Files.newInputStream(up)) {
            assertTrue(client.storeFile("file.bin", in), client.getReplyString());
        }
        assertEquals(size, Files.size(root.resolve("file.bin")));
        assertEquals(sha, sha256(root.resolve("file.bin")), "stored file");

        Path down = local.resolve("down.bin");
        try (OutputStream out = Files.newOutputStream(down)) {
            assertTrue(client.retrieveFile("file.bin", out), client.getReplyString());
        }
        assertEquals(size, Files.size(down));
        assertEquals(sha, sha256(down), "downloaded file");
    }

    @Test
    void asciiUploadIsStoredWithNativeLineEnds() throws Exception {
        String text = "one\ntwo\n\nthree with trailing spaces   \n" + "y".repeat(10_000) + "\nlast";
        assertTrue(client.setFileType(FTP.ASCII_FILE_TYPE));
        // Commons Net sends each "\n" as CRLF in TYPE A.
        assertTrue(client.storeFile("t.txt", new java.io.ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII))),
                client.getReplyString());
        assertEquals(text, Files.readString(root.resolve("t.txt"), StandardCharsets.US_ASCII));

        // And on a raw data connection: CRLF on the wire becomes "\n" on disk.
        try (RawClient raw = server.rawLoggedIn()) {
            raw.expect("TYPE A", 200);
            try (Socket data = raw.passiveData()) {
                assertPreliminary(raw.command("STOR raw.txt"));
                data.getOutputStream().write("a\r\nb\r\n\r\nc".getBytes(StandardCharsets.US_ASCII));
            }
            assertTrue(raw.reply().startsWith("226"));
        }
        assertEquals("a\nb\n\nc", Files.readString(root.resolve("raw.txt"), StandardCharsets.US_ASCII));
    }

    @Test
    void asciiDownloadIsSentWithCrlf() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            sb.append("line ").append(i).append(i % 7 == 0 ? "" : " some text").append('\n');
        }
        String text = sb.toString();
        Files.writeString(root.resolve("lf.txt"), text, StandardCharsets.US_ASCII);
        byte[] wire;
        try (RawClient raw = server.rawLoggedIn()) {
            raw.expect("TYPE A", 200);
            try (Socket data = raw.passiveData()) {
                assertPreliminary(raw.command("RETR lf.txt"));
                wire = RawClient.readAll(data);
            }
            assertTrue(raw.reply().startsWith("226"));
        }
        assertArrayEquals(text.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII), wire);

        // Commons Net turns the CRLFs back into the local line end.
        assertTrue(client.setFileType(FTP.ASCII_FILE_TYPE));
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        assertTrue(client.retrieveFile("lf.txt", got), client.getReplyString());
        assertEquals(text.replace("\n", System.lineSeparator()), got.toString(StandardCharsets.US_ASCII));
    }

    @Test
    void appendTwiceConcatenates() throws Exception {
        Path a = generate(local.resolve("a.bin"), 100_003, 1);
        Path b = generate(local.resolve("b.bin"), 70_001, 2);
        try (InputStream in = Files.newInputStream(a)) {
            // APPE of a file that does not exist yet creates it.
            assertTrue(client.appendFile("app.bin", in), client.getReplyString());
        }
        try (InputStream in = Files.newInputStream(b)) {
            assertTrue(client.appendFile("app.bin", in), client.getReplyString());
        }
        Path both = local.resolve("both.bin");
        Files.write(both, Files.readAllBytes(a));
        Files.write(both, Files.readAllBytes(b), StandardOpenOption.APPEND);
        assertEquals(sha256(both), sha256(root.resolve("app.bin")));
        assertEquals(170_004, Files.size(root.resolve("app.bin")));
    }

    @Test
    void interruptedDownloadResumedWithRest() throws Exception {
        long size = 16L * 1024 * 1024 + 3; // far more than socket buffers hold
        Path src = generate(root.resolve("big.bin"), size, 77);
        String sha = sha256(src);
        Path down = local.resolve("big.bin");

        int partial = 3_000_001;
        try (OutputStream out = Files.newOutputStream(down)) {
            InputStream in = client.retrieveFileStream("big.bin");
            assertTrue(in != null, client.getReplyString());
            byte[] buf = new byte[8192];
            int have = 0;
            while (have < partial) {
                int n = in.read(buf, 0, Math.min(buf.length, partial - have));
                assertTrue(n > 0, "stream ended at " + have);
                out.write(buf, 0, n);
                have += n;
            }
            in.close(); // closes the data connection mid-transfer
        }
        // The server reports the broken transfer (426/451), or 226 if it had already sent all: either way the
        // session stays usable.
        client.completePendingCommand();
        int code = client.getReplyCode();
        assertTrue(code == 226 || code == 426 || code == 451 || code == 250, client.getReplyString());
        assertTrue(client.sendNoOp(), client.getReplyString());

        assertEquals(partial, Files.size(down));
        client.setRestartOffset(partial);
        try (OutputStream out = Files.newOutputStream(down, StandardOpenOption.APPEND)) {
            assertTrue(client.retrieveFile("big.bin", out), client.getReplyString());
        }
        assertEquals(size, Files.size(down));
        assertEquals(sha, sha256(down));
    }

    // -------------------------------------------------------------- helpers

    /** 125 (data connection already open, as here) or 150. */
    private static void assertPreliminary(String reply) {
        assertTrue(reply.startsWith("125") || reply.startsWith("150"), reply);
    }

    /** {@code size} bytes from Random({@code seed}), streamed to {@code file} in 64 KiB chunks. */
    static Path generate(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(chunk.length, left));
            }
        }
        return file;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}

package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** RFC 959 3.1.1.1: TYPE A puts CRLF on the wire whatever the file uses, and stores the local line end. */
@Timeout(60)
class AsciiTransferTest {

    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void lfFileGoesOutAsCrlf() throws IOException {
        Files.writeString(dir.resolve("t.txt"), "one\ntwo\n\nthree");
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE A", 200);
            try (Socket data = r.passiveData()) {
                r.expect("RETR t.txt", 1);
                assertEquals("one\r\ntwo\r\n\r\nthree", new String(RawClient.readAll(data), StandardCharsets.US_ASCII));
            }
            assertTrue(r.reply().startsWith("226 "));
        }
    }

    @Test
    void asciiIsTheDefaultType() throws IOException {
        Files.writeString(dir.resolve("t.txt"), "a\nb\n");
        try (RawClient r = server.rawLoggedIn()) {
            try (Socket data = r.passiveData()) {
                r.expect("RETR t.txt", 1);
                assertEquals("a\r\nb\r\n", new String(RawClient.readAll(data), StandardCharsets.US_ASCII));
            }
            assertTrue(r.reply().startsWith("226 "));
        }
    }

    @Test
    void crlfAndLoneCrInTheFileAreNotDoubled() throws IOException {
        Files.write(dir.resolve("t.txt"), "a\r\nb\rc\n".getBytes(StandardCharsets.US_ASCII));
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE A", 200);
            try (Socket data = r.passiveData()) {
                r.expect("RETR t.txt", 1);
                assertEquals("a\r\nb\rc\r\n", new String(RawClient.readAll(data), StandardCharsets.US_ASCII));
            }
            assertTrue(r.reply().startsWith("226 "));
        }
    }

    @Test
    void crlfUploadIsStoredWithLf() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE A", 200);
            try (Socket data = r.passiveData()) {
                r.expect("STOR t.txt", 1);
                try (OutputStream out = data.getOutputStream()) {
                    out.write("one\r\ntwo\r\n\r\nlast\r".getBytes(StandardCharsets.US_ASCII));
                }
            }
            assertTrue(r.reply().startsWith("226 "));
        }
        String sep = System.lineSeparator();
        assertEquals("one" + sep + "two" + sep + sep + "last\r", Files.readString(dir.resolve("t.txt")),
                "CRLF becomes the local line end, a trailing lone CR stays");
    }

    @Test
    void binaryIsUntouched() throws IOException {
        byte[] bytes = "a\nb\r\nc\r".getBytes(StandardCharsets.US_ASCII);
        Files.write(dir.resolve("b.bin"), bytes);
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            try (Socket data = r.passiveData()) {
                r.expect("RETR b.bin", 1);
                assertArrayEquals(bytes, RawClient.readAll(data));
            }
            assertTrue(r.reply().startsWith("226 "));
            try (Socket data = r.passiveData()) {
                r.expect("STOR c.bin", 1);
                try (OutputStream out = data.getOutputStream()) {
                    out.write(bytes);
                }
            }
            assertTrue(r.reply().startsWith("226 "));
        }
        assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("c.bin")));
    }

    /** Large enough to cross every buffer border the server has, with line ends falling on them. */
    @Test
    void bigTextRoundTripWithCommonsNet() throws IOException {
        StringBuilder sb = new StringBuilder();
        Random random = new Random(7);
        while (sb.length() < 3_000_000) {
            int n = random.nextInt(200);
            for (int i = 0; i < n; i++) {
                sb.append((char) ('a' + random.nextInt(26)));
            }
            sb.append('\n');
        }
        String text = sb.toString();
        Files.writeString(dir.resolve("big.txt"), text);
        FTPClient c = server.client();
        c.setFileType(FTP.ASCII_FILE_TYPE);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        assertTrue(c.retrieveFile("big.txt", wire), c.getReplyString());
        // Commons Net turns CRLF back into the local line separator
        assertEquals(text.replace("\n", System.lineSeparator()), wire.toString(StandardCharsets.US_ASCII));

        assertTrue(c.storeFile("copy.txt", new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII))));
        assertEquals(text, Files.readString(dir.resolve("copy.txt")));
        c.disconnect();
    }
}

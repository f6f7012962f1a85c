package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** RFC 959 4.1.3 and RFC 3659: STOR, APPE, REST, DELE, MKD, RMD, RNFR/RNTO, SIZE, MDTM. */
@Timeout(60)
class FileCommandsTest {

    @TempDir
    Path dir;
    TestServer server;
    final byte[] content = new byte[200_000];

    @BeforeEach
    void start() throws IOException {
        new Random(5).nextBytes(content);
        server = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    /** The old file stays whole while the new one arrives; the new one replaces it in one rename. */
    @Test
    void storReplacesAnExistingFileAtomically() throws IOException {
        Files.writeString(dir.resolve("f.txt"), "old content");
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            try (Socket data = r.passiveData()) {
                r.expect("STOR f.txt", 1);
                OutputStream out = data.getOutputStream();
                out.write(content, 0, content.length / 2);
                out.flush();
                assertEquals("old content", Files.readString(dir.resolve("f.txt")), "untouched during the upload");
                assertEquals(2, names(dir).size(), "the new bytes go to a temporary beside it: " + names(dir));
                out.write(content, content.length / 2, content.length - content.length / 2);
            }
            assertTrue(r.reply().startsWith("226 "));
        }
        assertArrayEquals(content, Files.readAllBytes(dir.resolve("f.txt")));
        assertEquals(List.of("f.txt"), names(dir), "no temporary file left");
    }

    @Test
    void storWithCommonsNetReplaces() throws IOException {
        Files.writeString(dir.resolve("f.txt"), "a much longer old content than the new one");
        FTPClient c = server.client();
        assertTrue(c.storeFile("f.txt", new ByteArrayInputStream("new".getBytes(StandardCharsets.UTF_8))));
        assertEquals("new", Files.readString(dir.resolve("f.txt")));
        assertEquals(List.of("f.txt"), names(dir));
        c.disconnect();
    }

    @Test
    void storIntoADirectoryOrAMissingParentIs550() throws IOException {
        Files.createDirectory(dir.resolve("d"));
        try (RawClient r = server.rawLoggedIn()) {
            r.pasv();
            assertTrue(r.command("STOR d").startsWith("550 "));
            assertTrue(r.command("STOR nope/x").startsWith("550 "));
        }
        assertEquals(List.of("d"), names(dir));
    }

    @Test
    void deleDeletesFilesOnly() throws IOException {
        Files.writeString(dir.resolve("f.txt"), "x");
        Files.createDirectory(dir.resolve("d"));
        FTPClient c = server.client();
        assertTrue(c.deleteFile("f.txt"));
        assertEquals(250, c.getReplyCode());
        assertFalse(Files.exists(dir.resolve("f.txt")));
        assertFalse(c.deleteFile("f.txt"));
        assertEquals(550, c.getReplyCode());
        assertFalse(c.deleteFile("d"));
        assertEquals(550, c.getReplyCode());
        assertTrue(Files.isDirectory(dir.resolve("d")));
        c.disconnect();
    }

    @Test
    void mkdRepliesWithTheQuotedPath() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            assertEquals("257 \"/new\" created.", r.command("MKD new"));
            r.expect("CWD new", 250);
            assertEquals("257 \"/new/sub dir\" created.", r.command("MKD sub dir"));
            assertTrue(r.command("MKD sub dir").startsWith("550 "), "exists");
            assertTrue(r.command("MKD /nope/x").startsWith("550 "), "no parent");
        }
        assertTrue(Files.isDirectory(dir.resolve("new/sub dir")));
    }

    @Test
    void rmdRemovesEmptyDirectoriesOnly() throws IOException {
        Files.createDirectories(dir.resolve("full/inner"));
        Files.createDirectory(dir.resolve("empty"));
        Files.writeString(dir.resolve("f.txt"), "x");
        FTPClient c = server.client();
        assertTrue(c.removeDirectory("empty"));
        assertEquals(250, c.getReplyCode());
        assertFalse(Files.exists(dir.resolve("empty")));
        assertFalse(c.removeDirectory("full"));
        assertEquals(550, c.getReplyCode());
        assertFalse(c.removeDirectory("f.txt"));
        assertEquals(550, c.getReplyCode());
        assertFalse(c.removeDirectory("/"));
        assertEquals(550, c.getReplyCode());
        assertTrue(Files.isDirectory(dir.resolve("full/inner")));
        assertTrue(Files.exists(dir.resolve("f.txt")));
        assertTrue(Files.isDirectory(dir));
        c.disconnect();
    }

    @Test
    void renameFileAndDirectory() throws IOException {
        Files.writeString(dir.resolve("a.txt"), "A");
        Files.createDirectory(dir.resolve("d"));
        FTPClient c = server.client();
        assertTrue(c.rename("a.txt", "d/b.txt"));
        assertEquals("A", Files.readString(dir.resolve("d/b.txt")));
        assertFalse(Files.exists(dir.resolve("a.txt")));
        assertTrue(c.rename("d", "e"));
        assertEquals("A", Files.readString(dir.resolve("e/b.txt")));
        c.disconnect();
    }

    @Test
    void rntoNeedsRnfrJustBefore() throws IOException {
        Files.writeString(dir.resolve("a.txt"), "A");
        try (RawClient r = server.rawLoggedIn()) {
            assertTrue(r.command("RNTO b.txt").startsWith("503 "), "RNTO alone");
            r.expect("RNFR a.txt", 350);
            r.expect("NOOP", 200);
            assertTrue(r.command("RNTO b.txt").startsWith("503 "), "RNFR applies to the very next command");
            assertTrue(r.command("RNFR missing").startsWith("550 "));
            assertTrue(r.command("RNTO b.txt").startsWith("503 "));
            r.expect("RNFR a.txt", 350);
            r.expect("RNTO b.txt", 250);
            assertTrue(r.command("RNTO c.txt").startsWith("503 "), "one RNFR, one RNTO");
        }
        assertEquals(List.of("b.txt"), names(dir));
    }

    @Test
    void sizeAndMdtm() throws IOException {
        Path f = dir.resolve("f.bin");
        Files.write(f, content);
        Files.setLastModifiedTime(f, FileTime.from(Instant.parse("2021-03-04T05:06:07Z")));
        Files.createDirectory(dir.resolve("d"));
        try (RawClient r = server.rawLoggedIn()) {
            assertEquals("213 " + content.length, r.command("SIZE f.bin"));
            assertEquals("213 20210304050607", r.command("MDTM f.bin"), "UTC, RFC 3659 time-val");
            assertTrue(r.command("SIZE d").startsWith("550 "));
            assertTrue(r.command("SIZE missing").startsWith("550 "));
            assertTrue(r.command("MDTM missing").startsWith("550 "));
        }
        FTPClient c = server.client();
        assertEquals(content.length, c.mlistFile("f.bin").getSize());
        assertEquals("20210304050607", c.getModificationTime("f.bin").trim());
        c.disconnect();
    }

    @Test
    void restThenRetrResumes() throws IOException {
        Files.write(dir.resolve("f.bin"), content);
        FTPClient c = server.client();
        c.setRestartOffset(150_000);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(c.retrieveFile("f.bin", out), c.getReplyString());
        assertArrayEquals(Arrays.copyOfRange(content, 150_000, content.length), out.toByteArray());
        // REST holds for one command only
        out.reset();
        assertTrue(c.retrieveFile("f.bin", out));
        assertArrayEquals(content, out.toByteArray());
        c.disconnect();
    }

    @Test
    void restInAsciiAndRestPastTheEnd() throws IOException {
        Files.writeString(dir.resolve("t.txt"), "abc\ndef\n");
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            assertTrue(r.command("REST -1").startsWith("501 "));
            assertTrue(r.command("REST x").startsWith("501 "));
            r.pasv();
            r.expect("REST 9", 350);
            assertTrue(r.command("RETR t.txt").startsWith("554 "), "past the end");
            try (Socket data = r.passiveData()) {
                r.expect("REST 4", 350);
                r.expect("RETR t.txt", 1);
                assertEquals("def\n", new String(RawClient.readAll(data), StandardCharsets.US_ASCII));
            }
            assertTrue(r.reply().startsWith("226 "));
        }
    }

    @Test
    void restThenStorResumesAnUpload() throws IOException {
        Files.write(dir.resolve("f.bin"), Arrays.copyOf(content, 120_000));
        FTPClient c = server.client();
        c.setRestartOffset(100_000);
        assertTrue(c.storeFile("f.bin", new ByteArrayInputStream(content, 100_000, content.length - 100_000)));
        assertArrayEquals(content, Files.readAllBytes(dir.resolve("f.bin")));
        c.disconnect();
    }

    @Test
    void appeAppendsOrCreates() throws IOException {
        Files.writeString(dir.resolve("log.txt"), "one\n");
        FTPClient c = server.client();
        assertTrue(c.appendFile("log.txt", new ByteArrayInputStream("two\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals("one\ntwo\n", Files.readString(dir.resolve("log.txt")));
        assertTrue(c.appendFile("new.txt", new ByteArrayInputStream("first\n".getBytes(StandardCharsets.UTF_8))));
        assertEquals("first\n", Files.readString(dir.resolve("new.txt")));
        c.disconnect();
    }

    /**
     * Bug: APPE (and STOR after REST) opened the file with CREATE before
     * checking the data setup and the offset, so a command refused with 425
     * or 554 still left an empty file behind.
     */
    @Test
    void refusedStorOrAppeCreatesNoFile() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            assertTrue(r.command("APPE new1").startsWith("425 "));
            assertTrue(r.command("STOR new2").startsWith("425 "));
            r.expect("REST 5", 350);
            assertTrue(r.command("STOR new3").startsWith("425 "));
            r.pasv();
            r.expect("REST 5", 350);
            assertTrue(r.command("STOR new4").startsWith("554 "), "offset past the end of a missing file");
            assertTrue(r.command("NOOP").startsWith("200 "));
        }
        assertEquals(List.of(), names(dir), "a refused command creates nothing");
    }
}

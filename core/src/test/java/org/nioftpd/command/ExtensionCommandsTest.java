package org.nioftpd.command;

import org.nioftpd.session.Command;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.CRC32;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** The extensions beyond RFC 959: HASH and its X-forms, MFMT, STOU, MODE Z, OPTS MLST, wildcards, FEAT. */
@Timeout(60)
class ExtensionCommandsTest {

    @TempDir
    Path dir;

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static String hex(String algorithm, byte[] data, int from, int to) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(Arrays.copyOfRange(data, from, to)));
    }

    @Test
    void hashWithEachAlgorithm() throws Exception {
        byte[] data = random(100_000);
        Files.write(dir.resolve("f.bin"), data);
        try (TestServer server = TestServer.start(dir); RawClient c = new RawClient(server.port())) {
            c.reply();
            c.login("u", "p");
            assertEquals("213 SHA-256 0-99999 " + hex("SHA-256", data, 0, data.length) + " /f.bin", c.command("HASH f.bin"));
            assertEquals("200 SHA-256", c.command("OPTS HASH"));
            assertEquals("200 MD5", c.command("OPTS HASH md5"));
            assertEquals("213 MD5 0-99999 " + hex("MD5", data, 0, data.length) + " /f.bin", c.command("HASH /f.bin"));
            assertTrue(c.command("FEAT").contains(" HASH SHA-256;SHA-1;MD5*;CRC32"));
            assertTrue(c.command("OPTS HASH ROT13").startsWith("501"));
            assertTrue(c.command("HASH nope").startsWith("550"));
        }
    }

    @Test
    void xCommandsWithRanges() throws Exception {
        byte[] data = random(70_000);
        Files.write(dir.resolve("f 1.bin"), data);
        try (TestServer server = TestServer.start(dir); RawClient c = new RawClient(server.port())) {
            c.reply();
            c.login("u", "p");
            CRC32 crc = new CRC32();
            crc.update(data, 100, 900);
            assertEquals(String.format("250 %08X", crc.getValue()), c.command("XCRC \"f 1.bin\" 100 1000"));
            assertEquals("250 " + hex("MD5", data, 0, data.length), c.command("XMD5 f 1.bin"));
            assertEquals("250 " + hex("SHA-1", data, 5, data.length), c.command("XSHA1 f 1.bin 5"));
            assertEquals("250 " + hex("SHA-256", data, 10, 20), c.command("XSHA256 f 1.bin 10 20"));
            assertTrue(c.command("XSHA256 f 1.bin 20 10").startsWith("501"));
            assertTrue(c.command("XSHA256 f 1.bin 0 70001").startsWith("501"));
        }
    }

    @Test
    void mfmtSetsTheTimeMdtmReads() throws Exception {
        Files.writeString(dir.resolve("t.txt"), "x");
        try (TestServer server = TestServer.start(dir); RawClient c = new RawClient(server.port())) {
            c.reply();
            c.login("u", "p");
            assertEquals("213 Modify=20200102030405; /t.txt", c.command("MFMT 20200102030405 t.txt"));
            assertEquals("213 20200102030405", c.command("MDTM t.txt"));
            assertEquals(FileTime.from(Instant.parse("2020-01-02T03:04:05Z")), Files.getLastModifiedTime(dir.resolve("t.txt")));
            assertTrue(c.command("MFMT 20201302030405 t.txt").startsWith("501"), "month 13");
            assertTrue(c.command("MFMT nonsense t.txt").startsWith("501"));
        }
        try (TestServer server = TestServer.start(dir); RawClient c = new RawClient(server.port())) {
            c.reply();
            c.login("ro", "p");
            assertTrue(c.command("MFMT 20200102030405 t.txt").startsWith("550"));
        }
    }

    @Test
    void stouStoresUnderAUniqueName() throws Exception {
        Files.writeString(dir.resolve("up"), "existing");
        try (TestServer server = TestServer.start(dir)) {
            FTPClient c = server.client();
            assertTrue(c.storeUniqueFile("up", new ByteArrayInputStream("one".getBytes(StandardCharsets.UTF_8))),
                    c.getReplyString());
            assertEquals("existing", Files.readString(dir.resolve("up")));
            assertEquals("one", Files.readString(dir.resolve("up.1")));
            assertTrue(c.storeUniqueFile(new ByteArrayInputStream("two".getBytes(StandardCharsets.UTF_8))));
            assertEquals("two", Files.readString(dir.resolve("stou")));
            c.disconnect();
        }
    }

    @Test
    void modeZRoundTrip() throws Exception {
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ("compressible text " + (i % 97)).charAt(i % 18);
        }
        Files.write(dir.resolve("z.bin"), data);
        try (TestServer server = TestServer.start(dir)) {
            FTPClient c = server.client();
            assertTrue(c.setFileTransferMode(FTP.DEFLATE_TRANSFER_MODE), c.getReplyString());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(c.retrieveFile("z.bin", out), c.getReplyString());
            assertArrayEquals(data, out.toByteArray());
            assertTrue(c.storeFile("z2.bin", new ByteArrayInputStream(data)), c.getReplyString());
            assertArrayEquals(data, Files.readAllBytes(dir.resolve("z2.bin")));
            assertEquals(2, c.listNames().length);
            assertTrue(c.setFileTransferMode(FTP.STREAM_TRANSFER_MODE));
            out.reset();
            assertTrue(c.retrieveFile("z2.bin", out));
            assertArrayEquals(data, out.toByteArray());
            c.disconnect();
        }
    }

    @Test
    void optsMlstSelectsFacts() throws Exception {
        Files.writeString(dir.resolve("m.txt"), "12345");
        try (TestServer server = TestServer.start(dir); RawClient c = new RawClient(server.port())) {
            c.reply();
            c.login("u", "p");
            assertTrue(c.command("FEAT").contains(" MLST type*;size*;modify*;perm*;unique*;unix.mode*;"));
            assertEquals("200 MLST OPTS type;size;", c.command("OPTS MLST size;type;bogus;"));
            String mlst = c.command("MLST m.txt");
            assertEquals("250-Listing /m.txt\n type=file;size=5; /m.txt\n250 End.", mlst);
            assertTrue(c.command("FEAT").contains(" MLST type*;size*;modify;perm;unique;unix.mode;"));
        }
    }

    @Test
    void nlstWildcards() throws Exception {
        for (String n : new String[] {"a.txt", "b.txt", "c.log", "ab.txt"}) {
            Files.writeString(dir.resolve(n), n);
        }
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/x.txt"), "x");
        try (TestServer server = TestServer.start(dir)) {
            FTPClient c = server.client();
            String[] names = c.listNames("*.txt");
            Arrays.sort(names);
            assertArrayEquals(new String[] {"a.txt", "ab.txt", "b.txt"}, names);
            assertArrayEquals(new String[] {"ab.txt"}, c.listNames("a?.txt"));
            assertArrayEquals(new String[] {"x.txt"}, c.listNames("sub/*.txt"));
            assertEquals(0, c.listNames("a*a*a*a*a*a*a*a*b").length);
            assertEquals(3, c.listFiles("*.txt").length);
            c.disconnect();
        }
    }

    @Test
    void featAndHelpComeFromTheTable() throws Exception {
        try (TestServer server = TestServer.start(dir); RawClient c = new RawClient(server.port())) {
            c.reply();
            String feat = c.command("FEAT");
            for (Command cmd : Commands.table().all()) {
                if (cmd.feat() != null && !cmd.feat().startsWith("MLST") && !cmd.feat().startsWith("HASH")) {
                    assertTrue(feat.contains("\n " + cmd.feat() + "\n"), cmd.feat() + " missing from " + feat);
                }
            }
            String help = c.command("HELP");
            for (String verb : Commands.table().verbs()) {
                assertTrue(help.contains(verb), verb + " missing from HELP");
            }
            assertEquals("214 Syntax: STOU [<sp> basename]", c.command("HELP stou"));
        }
    }
}

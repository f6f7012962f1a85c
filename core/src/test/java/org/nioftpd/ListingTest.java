package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** LIST (ls -l form), NLST (names), MLSD and MLST (RFC 3659 facts), as clients parse them. */
@Timeout(60)
class ListingTest {

    @TempDir
    Path dir;
    TestServer server;
    FTPClient c;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(dir.resolve("a.txt"), "12345");
        Files.write(dir.resolve("b.bin"), new byte[70_000]);
        Files.createDirectories(dir.resolve("sub/inner"));
        Files.writeString(dir.resolve("sub/c.txt"), "c");
        Files.writeString(dir.resolve("with space.txt"), "s");
        Files.setLastModifiedTime(dir.resolve("a.txt"), FileTime.from(Instant.parse("2020-01-02T03:04:05Z")));
        server = TestServer.start(dir);
        c = server.client();
    }

    @AfterEach
    void stop() throws IOException {
        c.disconnect();
        server.close();
    }

    static Map<String, FTPFile> byName(FTPFile[] files) {
        Map<String, FTPFile> m = new TreeMap<>();
        for (FTPFile f : files) {
            assertNotNull(f, "every LIST line parses");
            m.put(f.getName(), f);
        }
        return m;
    }

    @Test
    void listParsesWithNamesSizesAndDirFlag() throws IOException {
        Map<String, FTPFile> files = byName(c.listFiles());
        assertEquals(List.of("a.txt", "b.bin", "sub", "with space.txt"), List.copyOf(files.keySet()));
        assertEquals(5, files.get("a.txt").getSize());
        assertEquals(70_000, files.get("b.bin").getSize());
        assertTrue(files.get("sub").isDirectory());
        assertTrue(files.get("a.txt").isFile());
        assertFalse(files.get("a.txt").isDirectory());
        assertEquals(2020, files.get("a.txt").getTimestamp().get(java.util.Calendar.YEAR), "old file: year shown");
    }

    @Test
    void listOfASubdirectoryAndWithOptions() throws IOException {
        assertEquals(List.of("c.txt", "inner"), List.copyOf(byName(c.listFiles("sub")).keySet()));
        assertEquals(List.of("c.txt", "inner"), List.copyOf(byName(c.listFiles("-la sub")).keySet()));
        assertTrue(c.changeWorkingDirectory("sub"));
        assertEquals(List.of("c.txt", "inner"), List.copyOf(byName(c.listFiles()).keySet()));
    }

    @Test
    void listOfAFile() throws IOException {
        FTPFile[] files = c.listFiles("a.txt");
        assertEquals(1, files.length);
        assertEquals("a.txt", files[0].getName());
        assertEquals(5, files[0].getSize());
    }

    @Test
    void listOfAMissingPathIs550() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.pasv();
            assertTrue(r.command("LIST nope").startsWith("550 "));
            assertTrue(r.command("NLST nope").startsWith("550 "));
            assertTrue(r.command("MLSD nope").startsWith("550 "));
        }
    }

    @Test
    void listLinesAreLsForm() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            String listing;
            try (Socket data = r.passiveData()) {
                r.expect("LIST", 1);
                listing = new String(RawClient.readAll(data), StandardCharsets.UTF_8);
            }
            assertTrue(r.reply().startsWith("226 "));
            assertTrue(listing.endsWith("\r\n"), "CRLF line ends");
            for (String line : listing.split("\r\n")) {
                assertTrue(line.matches("[-d][-rwx]{9} +\\d+ \\S+ +\\S+ +\\d+ [A-Z][a-z]{2} [ 0-9]\\d (\\d\\d:\\d\\d| \\d{4}) .+"),
                        line);
            }
        }
    }

    @Test
    void nlstGivesNames() throws IOException {
        String[] names = c.listNames();
        Arrays.sort(names);
        assertEquals(List.of("a.txt", "b.bin", "sub", "with space.txt"), Arrays.asList(names));
        String[] sub = c.listNames("sub");
        Arrays.sort(sub);
        assertEquals(List.of("c.txt", "inner"), Arrays.asList(sub));
    }

    @Test
    void mlsdThroughMlistDir() throws IOException {
        Map<String, FTPFile> files = byName(c.mlistDir());
        assertEquals(List.of("a.txt", "b.bin", "sub", "with space.txt"), List.copyOf(files.keySet()));
        assertEquals(70_000, files.get("b.bin").getSize());
        assertTrue(files.get("sub").isDirectory());
        assertTrue(files.get("a.txt").isFile());
        assertEquals(Instant.parse("2020-01-02T03:04:05Z"), files.get("a.txt").getTimestamp().toInstant());
        assertTrue(files.get("a.txt").hasPermission(FTPFile.USER_ACCESS, FTPFile.WRITE_PERMISSION), "u may write");
    }

    @Test
    void mlsdOfAFileIs501() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.pasv();
            assertTrue(r.command("MLSD a.txt").startsWith("501 "));
        }
    }

    @Test
    void mlstGivesFactsOnTheControlConnection() throws IOException {
        FTPFile f = c.mlistFile("sub/c.txt");
        assertNotNull(f, c.getReplyString());
        assertEquals(1, f.getSize());
        assertTrue(f.isFile());
        try (RawClient r = server.rawLoggedIn()) {
            String reply = r.command("MLST a.txt");
            List<String> lines = Arrays.asList(reply.split("\n"));
            RepliesTest.assertMultiLine(250, lines);
            assertEquals(3, lines.size(), reply);
            assertTrue(lines.get(1).matches(" type=file;size=5;modify=20200102030405;perm=[a-z]+;.* /a\\.txt"),
                    lines.get(1));
            assertTrue(r.command("MLST nope").startsWith("550 "));
        }
    }

    @Test
    void readOnlyUsersSeeReadOnlyPermissions() throws IOException {
        FTPClient ro = server.client("ro", TestServer.PASSWORD);
        Map<String, String> perms = Arrays.stream(ro.mlistDir())
                .collect(Collectors.toMap(FTPFile::getName, f -> f.getRawListing().replaceAll(".*perm=([a-z]*);.*", "$1")));
        assertEquals("r", perms.get("a.txt"));
        assertEquals("el", perms.get("sub"));
        ro.disconnect();
    }

    /** RFC 2640: names are UTF-8 on the control and the data connection. */
    @Test
    void utf8Names() throws IOException {
        FTPClient u = TestServer.newClient();
        u.setControlEncoding("UTF-8");
        u.connect(server.server().addresses().get(0).getAddress(), server.port());
        assertTrue(u.login(TestServer.USER, TestServer.PASSWORD));
        u.enterLocalPassiveMode();
        assertTrue(u.makeDirectory("répertoire €"));
        assertTrue(Files.isDirectory(dir.resolve("répertoire €")));
        assertTrue(u.storeFile("répertoire €/日本.txt", new java.io.ByteArrayInputStream(new byte[] {1, 2, 3})));
        assertEquals(3, Files.size(dir.resolve("répertoire €/日本.txt")));
        assertEquals(List.of("日本.txt"), List.of(u.listNames("répertoire €")));
        assertTrue(u.changeWorkingDirectory("répertoire €"));
        assertEquals("/répertoire €", u.printWorkingDirectory());
        assertEquals(List.of("日本.txt"), List.copyOf(byName(u.mlistDir()).keySet()));
        u.disconnect();
    }

    @Test
    void emptyDirectoryListsNothing() throws IOException {
        Files.createDirectory(dir.resolve("empty"));
        assertEquals(0, c.listFiles("empty").length);
        assertEquals(0, c.mlistDir("empty").length);
        assertEquals(226, c.getReplyCode());
    }

    @Test
    void bigDirectoryStreamsCompletely() throws IOException {
        Path big = Files.createDirectory(dir.resolve("big"));
        // ~150 KB of LIST: the 64 KB buffer is refilled several times
        for (int i = 0; i < 1500; i++) {
            Files.createFile(big.resolve("file-with-a-rather-long-name-number-" + i));
        }
        assertEquals(1500, c.listNames("big").length);
        assertEquals(1500, c.listFiles("big").length);
        assertEquals(1500, c.mlistDir("big").length);
    }

    /**
     * Regression (operator's first day, item 6): listings came in the file
     * system's order (hash order on ext4 and tmpfs); vsftpd and ls sort by name.
     */
    @Test
    void listingsAreSortedByName() throws IOException {
        Path many = Files.createDirectories(dir.resolve("many"));
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            expected.add(String.format("n%03d", (i * 7919) % 300));
        }
        for (String name : expected) {
            Files.writeString(many.resolve(name), "x");
        }
        java.util.Collections.sort(expected);
        assertEquals(expected, Arrays.asList(c.listNames("many")), "NLST");
        assertEquals(expected, Arrays.stream(c.listFiles("many")).map(FTPFile::getName).toList(), "LIST");
        assertEquals(expected, Arrays.stream(c.mlistDir("many")).map(FTPFile::getName).toList(), "MLSD");
        assertEquals(List.of("a.txt", "b.bin", "many", "sub", "with space.txt"), Arrays.asList(c.listNames()));
    }
}

package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.TestServer;

/**
 * Dot files and the --hide/--deny patterns: one check in the file system
 * view, which every command passes. Regression (operator's first day,
 * item 1): the zero-option daemon started in a home directory served
 * {@code .ssh/id_ed25519} to anonymous, and in a checkout it served {@code .git}.
 */
@Timeout(60)
class NamePolicyTest {

    @TempDir
    Path dir;
    private final List<TestServer> servers = new ArrayList<>();
    private final List<FTPClient> clients = new ArrayList<>();

    @BeforeEach
    void tree() throws IOException {
        Files.writeString(dir.resolve("b.txt"), "b");
        Files.writeString(dir.resolve("a.txt"), "a");
        Files.writeString(dir.resolve("C.txt"), "C");
        Files.writeString(dir.resolve(".secret"), "private");
        Files.createDirectories(dir.resolve(".ssh"));
        Files.writeString(dir.resolve(".ssh/id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----");
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".git/config"), "[core]");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/.env"), "PASSWORD=x");
        Files.createSymbolicLink(dir.resolve("keys"), Path.of(".ssh"));
        Files.createSymbolicLink(dir.resolve("sub/up"), Path.of(".."));
    }

    @AfterEach
    void stop() throws IOException {
        for (FTPClient c : clients) {
            if (c.isConnected()) {
                c.disconnect();
            }
        }
        servers.forEach(TestServer::close);
    }

    private FTPClient client(Consumer<FtpServer.Builder> customize, String user) throws IOException {
        TestServer s = TestServer.start(dir, customize);
        servers.add(s);
        FTPClient c = user.equals("anonymous") ? s.client("anonymous", "a@b") : s.client();
        clients.add(c);
        c.setFileType(FTP.BINARY_FILE_TYPE);
        return c;
    }

    private static int code(FTPClient c, String command) throws IOException {
        return c.sendCommand(command);
    }

    private static String names(FTPFile[] files) {
        return String.join(" ", Arrays.stream(files).map(FTPFile::getName).toList());
    }

    /** Every command that takes a path, against dot files, by every spelling, for a user who may write. */
    @Test
    void everyCommandRefusesDotFilesByDefault() throws Exception {
        for (String user : new String[] {"u", "anonymous"}) {
            FTPClient c = client(b -> { }, user);
            for (String path : new String[] {".secret", "/.secret", "sub/../.secret", ".ssh/id_ed25519",
                "keys/id_ed25519", ".git/config", "sub/.env", "sub/up/.secret", "./.secret"}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertFalse(c.retrieveFile(path, out), user + " RETR " + path);
                assertEquals(550, c.getReplyCode(), user + " RETR " + path + ": " + c.getReplyString());
                assertEquals(0, out.size());
                for (String verb : new String[] {"SIZE", "MDTM", "MLST", "STAT", "HASH", "XCRC", "XMD5", "XSHA1",
                    "XSHA256", "RNFR", "DELE"}) {
                    assertEquals(550, code(c, verb + " " + path), user + " " + verb + " " + path + ": "
                            + c.getReplyString());
                }
                assertEquals(550, code(c, "SITE CHMOD 644 " + path), c.getReplyString());
                assertFalse(c.listFiles(path).length > 0, user + " LIST " + path);
            }
            for (String d : new String[] {".ssh", ".git", "keys", "/sub/../.git", "sub/up/.ssh"}) {
                assertEquals(550, code(c, "CWD " + d), user + " CWD " + d + ": " + c.getReplyString());
                assertEquals(550, code(c, "RMD " + d), user + " RMD " + d);
                assertEquals(0, c.listFiles(d).length, user + " LIST " + d);
                assertEquals(550, c.getReplyCode(), user + " LIST " + d + ": " + c.getReplyString());
                assertEquals(null, c.listNames(d), user + " NLST " + d);
                assertEquals(0, c.mlistDir(d).length, user + " MLSD " + d);
                assertEquals(550, c.getReplyCode(), user + " MLSD " + d + ": " + c.getReplyString());
            }
            assertEquals("/", c.printWorkingDirectory());
            // listings leave them out, whatever the glob
            assertEquals("C.txt a.txt b.txt keys sub", names(c.listFiles()), user);
            assertEquals("C.txt a.txt b.txt keys sub", names(c.mlistDir()), user);
            assertArrayEquals(new String[] {"C.txt", "a.txt", "b.txt", "keys", "sub"}, c.listNames(), user);
            assertEquals(0, c.listNames(".*").length, user + ": NLST .* lists nothing");
            assertEquals("up", names(c.listFiles("sub")), user);
            String stat = statOf(c, "/");
            assertFalse(stat.contains(".secret") || stat.contains(".ssh") || stat.contains(".git"), stat);
            assertTrue(stat.contains(" a.txt"), stat);
            // and none can be made, by any name
            assertEquals(550, code(c, "MKD .new"), c.getReplyString());
            if (user.equals("u")) {
                assertEquals(350, code(c, "RNFR a.txt"), c.getReplyString());
                assertEquals(550, code(c, "RNTO .a.txt"), c.getReplyString());
                assertFalse(c.storeFile(".evil", new ByteArrayInputStream(new byte[] {1})));
                assertEquals(550, c.getReplyCode(), c.getReplyString());
                assertFalse(c.appendFile("sub/.env", new ByteArrayInputStream(new byte[] {1})));
                assertEquals(550, c.getReplyCode(), c.getReplyString());
                assertFalse(c.storeUniqueFile(".u", new ByteArrayInputStream(new byte[] {1})));
                assertEquals(550, c.getReplyCode(), c.getReplyString());
            }
        }
        // nothing changed on the disk
        assertEquals("private", Files.readString(dir.resolve(".secret")));
        assertEquals("PASSWORD=x", Files.readString(dir.resolve("sub/.env")));
        assertTrue(Files.isDirectory(dir.resolve(".git")));
        assertFalse(Files.exists(dir.resolve(".evil")) || Files.exists(dir.resolve(".new"))
                || Files.exists(dir.resolve(".a.txt")) || Files.exists(dir.resolve(".u")));
        assertTrue(Files.exists(dir.resolve("a.txt")));
    }

    private static String statOf(FTPClient c, String path) throws IOException {
        assertEquals(213, c.stat(path), c.getReplyString());
        return c.getReplyString();
    }

    @Test
    void dotFilesOpenToNamedUsersOnly() throws Exception {
        FTPClient user = client(b -> b.allowDotFiles(true, false), "u");
        assertEquals("private", download(user, ".secret"));
        assertEquals("-----BEGIN OPENSSH PRIVATE KEY-----", download(user, "keys/id_ed25519"));
        assertEquals(".git .secret .ssh C.txt a.txt b.txt keys sub", names(user.listFiles()));
        FTPClient anonymous = client(b -> b.allowDotFiles(true, false), "anonymous");
        assertFalse(anonymous.retrieveFile(".secret", new ByteArrayOutputStream()));
        assertEquals(550, anonymous.getReplyCode());
        assertEquals("C.txt a.txt b.txt keys sub", names(anonymous.listFiles()));
    }

    @Test
    void dotFilesOpenToEveryone() throws Exception {
        FTPClient anonymous = client(b -> b.allowDotFiles(true, true), "anonymous");
        assertEquals("private", download(anonymous, ".secret"));
        assertEquals(".git .secret .ssh C.txt a.txt b.txt keys sub", names(anonymous.listFiles()));
    }

    @Test
    void hiddenNamesAreUnlistedButServedDeniedNamesAreRefused() throws Exception {
        Files.writeString(dir.resolve("notes.bak"), "old");
        Files.writeString(dir.resolve("server.key"), "k");
        Files.createDirectories(dir.resolve("private"));
        Files.writeString(dir.resolve("private/x.txt"), "x");
        FTPClient c = client(b -> b.hide("*.bak").deny("*.key").deny("priv?te"), "anonymous");
        assertEquals("C.txt a.txt b.txt keys sub", names(c.listFiles()));
        assertEquals("old", download(c, "notes.bak"), "hidden, not refused");
        assertFalse(c.retrieveFile("server.key", new ByteArrayOutputStream()));
        assertEquals(550, c.getReplyCode());
        assertFalse(c.retrieveFile("private/x.txt", new ByteArrayOutputStream()));
        assertEquals(550, c.getReplyCode());
        assertEquals(550, code(c, "CWD private"));
    }

    @Test
    void patternsAreOneNameEach() {
        for (String bad : new String[] {"", "a/b", "/x", "*".repeat(300)}) {
            FtpServer.Builder b = FtpServer.builder();
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> b.deny(bad), bad);
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> b.hide(bad), bad);
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FtpServer.builder().allowDotFiles(false, true));
    }

    private static String download(FTPClient c, String path) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(c.retrieveFile(path, out), path + ": " + c.getReplyString());
        return out.toString(StandardCharsets.UTF_8);
    }
}

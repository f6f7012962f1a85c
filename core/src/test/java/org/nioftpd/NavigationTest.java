package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** RFC 959 4.1.1 and 4.1.3: PWD, CWD, CDUP and their X-aliases (RFC 775). */
@Timeout(30)
class NavigationTest {

    @TempDir
    Path dir;
    TestServer server;
    RawClient r;

    @BeforeEach
    void start() throws IOException {
        Files.createDirectories(dir.resolve("a/b"));
        Files.writeString(dir.resolve("a/file.txt"), "x");
        server = TestServer.start(dir);
        r = server.rawLoggedIn();
    }

    @AfterEach
    void stop() throws IOException {
        r.close();
        server.close();
    }

    @Test
    void startsAtRoot() throws IOException {
        assertEquals("257 \"/\" is the current directory.", r.command("PWD"));
    }

    @Test
    void cwdRelativeAndAbsolute() throws IOException {
        assertTrue(r.command("CWD a").startsWith("250 "));
        assertTrue(r.command("PWD").startsWith("257 \"/a\""));
        assertTrue(r.command("CWD b").startsWith("250 "));
        assertTrue(r.command("PWD").startsWith("257 \"/a/b\""));
        assertTrue(r.command("CWD /a").startsWith("250 "));
        assertTrue(r.command("PWD").startsWith("257 \"/a\""));
        assertTrue(r.command("CWD ./b/../b/.").startsWith("250 "));
        assertTrue(r.command("PWD").startsWith("257 \"/a/b\""));
        assertTrue(r.command("CWD /").startsWith("250 "));
        assertTrue(r.command("PWD").startsWith("257 \"/\""));
    }

    @Test
    void cdupClimbsOneLevelAndStopsAtRoot() throws IOException {
        r.command("CWD /a/b");
        assertTrue(r.command("CDUP").startsWith("200 "));
        assertTrue(r.command("PWD").startsWith("257 \"/a\""));
        assertTrue(r.command("CDUP").startsWith("200 "));
        assertTrue(r.command("PWD").startsWith("257 \"/\""));
        assertTrue(r.command("CDUP").startsWith("200 "));
        assertTrue(r.command("PWD").startsWith("257 \"/\""), "never above the root");
    }

    @Test
    void xAliases() throws IOException {
        assertTrue(r.command("XCWD a").startsWith("250 "));
        assertTrue(r.command("XPWD").startsWith("257 \"/a\""));
        assertTrue(r.command("XCUP").startsWith("200 "));
        assertTrue(r.command("XPWD").startsWith("257 \"/\""));
        assertTrue(r.command("XMKD /a/c").startsWith("257 \"/a/c\""));
        assertTrue(Files.isDirectory(dir.resolve("a/c")));
        assertTrue(r.command("XRMD /a/c").startsWith("250 "));
        assertFalse(Files.exists(dir.resolve("a/c")));
    }

    @Test
    void pwdDoublesAQuoteInTheName() throws IOException {
        assertEquals("257 \"/say \"\"hi\"\"\" created.", r.command("MKD say \"hi\""));
        assertTrue(Files.isDirectory(dir.resolve("say \"hi\"")));
        assertTrue(r.command("CWD say \"hi\"").startsWith("250 "));
        assertEquals("257 \"/say \"\"hi\"\"\" is the current directory.", r.command("PWD"));
    }

    @Test
    void commonsNetUnquotesThePath() throws IOException {
        Files.createDirectory(dir.resolve("q\"d"));
        FTPClient c = server.client();
        assertTrue(c.changeWorkingDirectory("q\"d"));
        assertEquals("/q\"d", c.printWorkingDirectory());
        assertTrue(c.changeToParentDirectory());
        assertEquals("/", c.printWorkingDirectory());
        c.disconnect();
    }

    @Test
    void cwdIntoAFileIs550() throws IOException {
        assertTrue(r.command("CWD a/file.txt").startsWith("550 "));
        assertTrue(r.command("PWD").startsWith("257 \"/\""), "unchanged");
    }

    @Test
    void cwdIntoAMissingDirectoryIs550() throws IOException {
        r.command("CWD a");
        assertTrue(r.command("CWD nope").startsWith("550 "));
        assertTrue(r.command("PWD").startsWith("257 \"/a\""), "unchanged");
    }

    @Test
    void cwdDotDotAtRootStaysAtRoot() throws IOException {
        assertTrue(r.command("CWD ..").startsWith("250 "));
        assertTrue(r.command("PWD").startsWith("257 \"/\""));
        assertTrue(r.command("CWD ../../..").startsWith("250 "));
        assertTrue(r.command("PWD").startsWith("257 \"/\""));
    }

    @Test
    void relativePathsFollowTheCurrentDirectory() throws IOException {
        r.command("CWD a");
        assertTrue(r.command("SIZE file.txt").startsWith("213 1"));
        assertTrue(r.command("SIZE ../a/file.txt").startsWith("213 1"));
        assertTrue(r.command("SIZE /a/file.txt").startsWith("213 1"));
    }
}

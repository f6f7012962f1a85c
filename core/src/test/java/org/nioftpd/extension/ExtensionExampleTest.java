package org.nioftpd.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * The README's extension example, exactly: {@link ExeGuard} is the README's code block (checked
 * here), run against a real server with Commons Net and a raw client.
 */
@Timeout(30)
class ExtensionExampleTest {

    @TempDir
    Path dir;
    TestServer server;
    final List<String> audit = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(dir, b -> b.extension(new ExeGuard(dir, audit::add)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void readmeShowsExactlyThisExample() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        String source = Files.readString(Path.of("src/test/java/org/nioftpd/extension/ExeGuard.java"),
                StandardCharsets.UTF_8);
        String body = source.substring(source.indexOf("import "));
        assertTrue(readme.contains("```java\n" + body + "```"),
                "README.md's extension example differs from core/src/test/.../extension/ExeGuard.java");
    }

    @Test
    void exeUploadsAreRefusedWith553AndNothingIsWritten() throws IOException {
        FTPClient c = server.client();
        assertFalse(c.storeFile("setup.EXE", new ByteArrayInputStream("MZ".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(553, c.getReplyCode());
        assertEquals("553 No .exe files here.", c.getReplyString().trim());
        assertFalse(Files.exists(dir.resolve("setup.EXE")));
        assertTrue(c.storeFile("notes.txt", new ByteArrayInputStream("hi".getBytes(StandardCharsets.US_ASCII))));
        assertEquals("hi", Files.readString(dir.resolve("notes.txt")));
        c.disconnect();
        // Renaming a file to .exe stores it under that name just as well: refused too.
        try (RawClient r = server.rawLoggedIn()) {
            Files.writeString(dir.resolve("a.txt"), "a");
            assertTrue(r.command("RNFR a.txt").startsWith("350 "));
            assertEquals("553 No .exe files here.", r.command("RNTO sub/../a.exe"));
            assertTrue(Files.exists(dir.resolve("a.txt")));
        }
    }

    @Test
    void everyDeleteIsLoggedWithItsOutcome() throws IOException {
        Files.writeString(dir.resolve("old.log"), "x");
        try (RawClient r = server.rawLoggedIn()) {
            assertTrue(r.command("DELE old.log").startsWith("250 "));
            assertTrue(r.command("DELE missing.log").startsWith("550 "));
        }
        Await.until(Duration.ofSeconds(5), "two audit lines", () -> audit.size() == 2);
        assertEquals(List.of("u from 127.0.0.1 deleted /old.log",
                "u from 127.0.0.1 deleted /missing.log (refused: 550)"), audit);
    }

    @Test
    void siteDiskfreeAnswersFromTheWorkerPoolAndSiteHelpListsIt() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            String free = r.command("SITE DISKFREE");
            assertTrue(free.matches("200 \\d+ bytes free\\."), free);
            assertTrue(r.command("SITE diskfree").startsWith("200 "), "sub-commands are case-insensitive");
            String help = r.command("SITE HELP");
            assertTrue(help.startsWith("214-") && help.contains("SITE DISKFREE") && help.contains("SITE CHMOD"),
                    help);
            assertEquals("214 Syntax: SITE DISKFREE", r.command("SITE HELP DISKFREE"));
            assertTrue(r.command("SITE NOSUCH").startsWith("504 "));
        }
    }
}

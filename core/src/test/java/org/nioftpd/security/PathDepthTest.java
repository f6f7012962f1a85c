package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Issue 19, item 5, over the wire: a client cannot build or use a path deeper
 * than the cap (here 8), so no command costs the loop more than a path of
 * that depth; each refusal is a clear 550 and the session goes on. (The
 * work itself is counted in {@code org.nioftpd.fs.PathDepthWorkTest}.)
 * Checked against the server before the cap: the ninth MKD succeeded.
 */
@Timeout(60)
class PathDepthTest {

    @TempDir
    Path dir;

    @Test
    void pathsDeeperThanTheCapAreRefusedWith550() throws Exception {
        Files.createDirectories(dir.resolve("d/d/d/d/d/d/d/d/d/d/d/d"));
        Files.writeString(dir.resolve("d/d/d/d/d/d/d/d/d/d/f.txt"), "deep");
        try (TestServer server = TestServer.start(dir, b -> b.maxPathDepth(8));
             RawClient c = new RawClient(server.port())) {
            c.greetAndLogin(TestServer.USER, TestServer.PASSWORD);
            for (int i = 1; i <= 8; i++) {
                c.expect("MKD " + "/m".repeat(i), 257);
            }
            String refused = c.command("MKD " + "/m".repeat(9));
            assertEquals("550 Failed: path too deep (more than 8 levels).", refused);
            c.expect("CWD " + "/m".repeat(8), 250);
            assertTrue(c.command("MKD x").startsWith("550 Failed: path too deep"));
            assertTrue(c.command("CWD " + "/d".repeat(12)).startsWith("550 Failed: path too deep"));
            assertTrue(c.command("SIZE " + "/d".repeat(10) + "/f.txt").startsWith("550 Failed: path too deep"));
            assertTrue(c.command("DELE " + "/d".repeat(10) + "/f.txt").startsWith("550 Failed: path too deep"));
            c.expect("CWD " + "/d".repeat(8), 250);
            c.expect("NOOP", 200);
        }
        assertTrue(Files.isDirectory(dir.resolve("m/m/m/m/m/m/m/m")));
        assertTrue(Files.notExists(dir.resolve("m/m/m/m/m/m/m/m/m")));
        assertTrue(Files.exists(dir.resolve("d/d/d/d/d/d/d/d/d/d/f.txt")));
    }
}

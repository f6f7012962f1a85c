package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

@Timeout(60)
class SmokeTest {

    @TempDir
    Path dir;

    @Test
    void uploadListDownload() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            FTPClient c = server.client();
            assertTrue(c.storeFile("hello.txt", new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8))),
                    c.getReplyString());
            assertEquals("hello\n", Files.readString(dir.resolve("hello.txt")));
            String[] names = c.listNames();
            assertEquals(1, names.length);
            assertEquals("hello.txt", names[0]);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(c.retrieveFile("hello.txt", out), c.getReplyString());
            assertEquals("hello\n", out.toString(StandardCharsets.UTF_8));
            assertEquals(1, c.listFiles().length);
            c.logout();
            c.disconnect();
        }
    }

    @Test
    void raw() throws Exception {
        try (TestServer server = TestServer.start(dir); RawClient r = new RawClient(server.port())) {
            assertTrue(r.reply().startsWith("220"));
            assertTrue(r.command("PWD").startsWith("530"));
            r.login("u", "p");
            String feat = r.command("FEAT");
            assertTrue(feat.startsWith("211-"), feat);
            assertTrue(r.command("HELP").startsWith("214-"));
            assertEquals("221 Goodbye.", r.command("QUIT"));
        }
    }
}

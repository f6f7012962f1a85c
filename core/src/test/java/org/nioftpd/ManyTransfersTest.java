package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.TestServer;

/** 200 transfers in one session: every data connection set up, used and torn down cleanly. */
@Timeout(60)
class ManyTransfersTest {

    @TempDir
    Path dir;

    @Test
    void twoHundredAlternatingStoreAndRetrieve() throws IOException {
        try (TestServer server = TestServer.start(dir)) {
            FTPClient c = server.client();
            for (int i = 0; i < 100; i++) {
                byte[] content = ("file number " + i + "\n").repeat(i + 1).getBytes(StandardCharsets.UTF_8);
                String name = "f" + i + ".txt";
                assertTrue(c.storeFile(name, new ByteArrayInputStream(content)), i + ": " + c.getReplyString());
                assertEquals(226, c.getReplyCode());
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                assertTrue(c.retrieveFile(name, out), i + ": " + c.getReplyString());
                assertEquals(226, c.getReplyCode());
                assertArrayEquals(content, out.toByteArray(), name);
            }
            try (var files = Files.list(dir)) {
                assertEquals(100, files.count(), "exactly the 100 files, no temporary left");
            }
            assertTrue(c.sendNoOp());
            c.logout();
            c.disconnect();
        }
    }
}

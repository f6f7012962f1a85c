package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Issue 19, item 7: what a crash leaves. A {@code kill -9} during STOR leaves
 * the upload's temporary file ({@code .NAME.nioftpd-HEX}); clients never see
 * one (no listing shows it, every command naming it gets 550 as if it were
 * missing) and the first upload into its directory after a restart removes
 * it once it is stale, leaving young ones (a live upload's) and other
 * directories alone. Checked against the server before: LIST -a, NLST, MLSD
 * and STAT showed it, RNFR and RETR took it, nothing removed it.
 */
@Timeout(60)
class TemporaryFilesTest {

    private static final String LEFT = ".f.bin.nioftpd-1f2e3d4c5b6a7988";

    @TempDir
    Path dir;

    @Test
    void aLeftoverTemporaryFileIsInNoListingAndMissingToEveryCommand() throws Exception {
        Files.writeString(dir.resolve("f.bin"), "the file");
        Files.writeString(dir.resolve(LEFT), "half an upload");
        Files.createDirectory(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub").resolve(".g.nioftpd-ab"), "another");
        try (TestServer server = TestServer.start(dir); RawClient c = new RawClient(server.port())) {
            c.greetAndLogin(TestServer.USER, TestServer.PASSWORD);
            for (String command : new String[] {"LIST -a", "LIST", "NLST", "NLST -a", "MLSD", "LIST .*",
                    "NLST .f*", "MLSD /sub", "LIST -a sub"}) {
                String text = c.listing(command);
                assertFalse(text.contains("nioftpd-"), command + " shows a temporary file: " + text);
            }
            assertTrue(c.listing("NLST").contains("f.bin"));
            String stat = c.command("STAT -a .");
            assertTrue(stat.contains("f.bin") && !stat.contains("nioftpd-"), stat);
            for (String command : new String[] {"RETR " + LEFT, "SIZE " + LEFT, "MDTM " + LEFT, "MLST " + LEFT,
                    "STAT " + LEFT, "LIST " + LEFT, "DELE " + LEFT, "RNFR " + LEFT, "CWD " + LEFT,
                    "HASH " + LEFT, "STOR " + LEFT, "APPE " + LEFT, "MKD " + LEFT, "RMD " + LEFT,
                    "SIZE /sub/.g.nioftpd-ab", "DELE sub/.g.nioftpd-ab"}) {
                String reply = c.command(command);
                assertTrue(reply.startsWith("550 "), command + ": " + reply);
            }
            c.expect("RNFR f.bin", 350);
            assertTrue(c.command("RNTO " + LEFT).startsWith("550 "), "cannot become one either");
            c.expect("NOOP", 200);
        }
        assertEquals("half an upload", Files.readString(dir.resolve(LEFT)));
        assertEquals("the file", Files.readString(dir.resolve("f.bin")));
    }

    @Test
    void theFirstUploadIntoADirectoryRemovesItsStaleTemporaryFiles() throws Exception {
        FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        Path stale = Files.writeString(dir.resolve(LEFT), "from before the crash");
        Files.setLastModifiedTime(stale, twoHoursAgo);
        Path young = Files.writeString(dir.resolve(".g.bin.nioftpd-77"), "a live upload's");
        Files.createDirectory(dir.resolve("other"));
        Path elsewhere = Files.writeString(dir.resolve("other").resolve(".h.nioftpd-88"), "not written to");
        Files.setLastModifiedTime(elsewhere, twoHoursAgo);
        Path notOurs = Files.writeString(dir.resolve(".notes.nioftpd-backup"), "a user's own name");
        Files.setLastModifiedTime(notOurs, twoHoursAgo);
        try (TestServer server = TestServer.start(dir)) {
            FTPClient c = server.client();
            assertTrue(c.storeFile("new.bin", new ByteArrayInputStream(new byte[10])), c.getReplyString());
            Await.until(Duration.ofSeconds(20), "the stale temporary file removed", () -> !Files.exists(stale));
            assertTrue(c.storeFile("new2.bin", new ByteArrayInputStream(new byte[10])), c.getReplyString());
            c.logout();
            c.disconnect();
        }
        assertTrue(Files.exists(young), "a young one may be a live upload's");
        assertTrue(Files.exists(elsewhere), "no upload went into other/");
        assertTrue(Files.exists(notOurs), "not a name the server makes");
        assertTrue(Files.exists(dir.resolve("new.bin")));
    }
}

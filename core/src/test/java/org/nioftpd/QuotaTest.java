package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nioftpd.VirtualFoldersTest.upload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.auth.FolderPolicy;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Issue 14 item 3: quotas enforced while the data arrives (552, nothing
 * partial left, the old file intact), counted across sessions, after a
 * restart, and reported by AVBL and SITE QUOTA.
 */
@Timeout(60)
class QuotaTest {

    @TempDir
    Path top;

    private TestServer serve(Path home, FolderPolicy p) throws IOException {
        return TestServer.start(home, b -> b.authenticator((user, password) ->
                new UserAccount(user, home, true, false, UserAccount.Limits.NONE, null, p)));
    }

    private static RawClient login(TestServer s) throws IOException {
        RawClient c = new RawClient(s.port()).greetAndLogin("q", "x");
        c.expect("TYPE I", 200);
        return c;
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void anUploadPastTheQuotaStopsWith552AndLeavesNothing() throws IOException {
        Path home = Files.createDirectories(top.resolve("home"));
        byte[] old = bytes(10_000);
        Files.write(home.resolve("keep.bin"), old);
        try (TestServer s = serve(home, FolderPolicy.NONE.with("quota", "/ 100K"));
             RawClient c = login(s)) {
            // 10,000 bytes used; 3 MiB over the 100 KiB quota: stopped mid-stream
            String r = upload(c, "STOR big.bin", bytes(3 << 20));
            assertTrue(r.startsWith("552 "), r);
            assertEquals(List.of("keep.bin"), names(home), "no partial file, no temporary");
            // replacing a file: the new one too big, the old one intact
            r = upload(c, "STOR keep.bin", bytes(200_000));
            assertTrue(r.startsWith("552 "), r);
            assertArrayEquals(old, Files.readAllBytes(home.resolve("keep.bin")));
            // APPE past the quota: the file is cut back to what it was
            r = upload(c, "APPE keep.bin", bytes(200_000));
            assertTrue(r.startsWith("552 "), r);
            assertArrayEquals(old, Files.readAllBytes(home.resolve("keep.bin")));
            // what fits is stored, and counted
            assertTrue(upload(c, "STOR fits.bin", bytes(50_000)).startsWith("226"));
            String quota = c.expect("SITE QUOTA", 200);
            assertTrue(quota.contains("/: 60000 of 102400 bytes, 2 files"), quota);
            assertEquals("213 " + (102_400 - 60_000), c.command("AVBL"));
            // a delete gives the room back
            c.expect("DELE fits.bin", 250);
            assertEquals("213 " + (102_400 - 10_000), c.command("AVBL"));
            assertTrue(c.expect("FEAT", 211).contains(" AVBL"));
        }
    }

    @Test
    void filesAndFileSizeAreLimitedToo() throws IOException {
        Path home = Files.createDirectories(top.resolve("home"));
        try (TestServer s = serve(home, FolderPolicy.NONE.with("quota", "/ files=2 max-file=1K"));
             RawClient c = login(s)) {
            assertTrue(upload(c, "STOR a", bytes(1024)).startsWith("226"));
            String r = upload(c, "STOR b", bytes(1025));
            assertTrue(r.startsWith("552 ") && r.contains("limit per file"), r);
            assertTrue(upload(c, "STOR b", bytes(10)).startsWith("226"));
            r = upload(c, "STOR c", bytes(10));
            assertTrue(r.startsWith("552 ") && r.contains("file limit"), r);
            assertTrue(upload(c, "STOR a", bytes(100)).startsWith("226"), "replacing is not a new file");
            assertEquals(List.of("a", "b"), names(home));
        }
    }

    /** Usage is shared by the user's sessions, and survives a restart (scanned from the disk). */
    @Test
    void usageIsSharedAndSurvivesARestart() throws IOException {
        Path home = Files.createDirectories(top.resolve("home"));
        Path disk = Files.createDirectories(top.resolve("disk"));
        FolderPolicy p = FolderPolicy.NONE.with("mount", "/incoming " + disk).with("quota", "/incoming 100K");
        try (TestServer s = serve(home, p); RawClient a = login(s); RawClient b = login(s)) {
            assertTrue(upload(a, "STOR /incoming/one", bytes(60_000)).startsWith("226"));
            String r = upload(b, "STOR /incoming/two", bytes(60_000));
            assertTrue(r.startsWith("552 "), "the other session counts the first one's upload: " + r);
            assertTrue(upload(b, "STOR /home-file", bytes(60_000)).startsWith("226"), "/ has no quota");
        }
        try (TestServer s = serve(home, p); RawClient c = login(s)) {
            String r = upload(c, "STOR /incoming/two", bytes(60_000));
            assertTrue(r.startsWith("552 "), "after a restart: " + r);
            assertTrue(c.expect("SITE QUOTA", 200).contains("/incoming: 60000 of 102400 bytes, 1 files"));
            // a file put there behind the server's back is counted after SITE QUOTA RESCAN
            Files.write(disk.resolve("outside-write"), bytes(30_000));
            String rescan = c.expect("SITE QUOTA RESCAN", 200);
            assertTrue(rescan.contains("/incoming: 90000 of 102400 bytes"), rescan);
            assertEquals("213 " + (102_400 - 90_000), c.command("AVBL /incoming"));
        }
        assertEquals(List.of("one", "outside-write"), names(disk));
    }

    /** A rename into another quota root is charged there and refused when it does not fit. */
    @Test
    void renamesAcrossQuotaRootsAreCharged() throws IOException {
        Path home = Files.createDirectories(top.resolve("home"));
        Path disk = Files.createDirectories(top.resolve("disk"));
        Files.write(home.resolve("big"), bytes(80_000));
        Files.write(home.resolve("small"), bytes(10_000));
        FolderPolicy p = FolderPolicy.NONE.with("mount", "/q " + disk).with("quota", "/q 50K");
        try (TestServer s = serve(home, p); RawClient c = login(s)) {
            c.expect("RNFR big", 350);
            String r = c.command("RNTO /q/big");
            assertTrue(r.startsWith("552 "), r);
            assertTrue(Files.exists(home.resolve("big")));
            c.expect("RNFR small", 350);
            c.expect("RNTO /q/small", 250);
            assertTrue(c.expect("SITE QUOTA", 200).contains("/q: 10000 of 51200 bytes, 1 files"));
            assertFalse(Files.exists(home.resolve("small")));
        }
    }
}

package org.nioftpd.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.ServerInternals;
import org.nioftpd.auth.FolderPolicy;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Issue 13: the real server over file systems other than the local disk, Jimfs with and without
 * POSIX attributes and a read-only zip archive, driven by Commons Net and raw sockets. Every
 * command answers (no closed session), listings carry what the store has, transfers are exact,
 * and what the store cannot do is refused with a reply that says why.
 */
@Timeout(120)
class StoreProvidersTest {

    @TempDir
    Path tmp;
    FileSystem fs;
    TestServer server;

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (fs != null) {
            fs.close();
        }
    }

    private Path jimfs(boolean posix) throws IOException {
        Configuration c = posix
                ? Configuration.unix().toBuilder().setAttributeViews("basic", "owner", "posix", "unix").build()
                : Configuration.unix(); // basic attributes only
        fs = Jimfs.newFileSystem(c);
        Path root = fs.getPath("/srv/ftp");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("a.txt"), "hello\n");
        Files.writeString(root.resolve("sub/b.txt"), "bee");
        return root;
    }

    @Test
    void jimfsWithoutPosixListsAndTransfers() throws Exception {
        exercise(jimfs(false), false);
    }

    @Test
    void jimfsWithPosixListsModes() throws Exception {
        exercise(jimfs(true), true);
    }

    private void exercise(Path root, boolean posix) throws Exception {
        server = TestServer.start(root);
        FTPClient c = server.client();
        try {
            // listings: every form answers, with what the store has
            FTPFile[] list = c.listFiles();
            assertEquals(List.of("a.txt", "sub"), Arrays.stream(list).map(FTPFile::getName).sorted().toList());
            assertEquals(6, Arrays.stream(list).filter(f -> f.getName().equals("a.txt")).findFirst().orElseThrow()
                    .getSize());
            assertEquals(List.of("a.txt", "sub"), Arrays.stream(c.listNames()).sorted().toList());
            FTPFile[] mlsd = c.mlistDir();
            assertEquals(2, mlsd.length, c.getReplyString());
            for (FTPFile f : mlsd) {
                assertEquals(posix, f.getRawListing().contains("unix.mode="), f.getRawListing());
            }
            FTPFile a = c.mlistFile("a.txt");
            assertTrue(a != null && a.getSize() == 6, c.getReplyString());
            assertEquals(213, c.stat("a.txt"), c.getReplyString());
            assertTrue(c.getReplyString().contains("a.txt"), c.getReplyString());
            c.sendCommand("FEAT");
            assertEquals(posix, c.getReplyString().contains("unix.mode"), c.getReplyString());

            // transfers, by content, across the buffer sizes of the storage path
            c.setFileType(FTP.BINARY_FILE_TYPE);
            Random r = new Random(13);
            for (int size : new int[] {0, 1, 65_535, 65_536, 300_001, 5 << 20}) {
                byte[] data = new byte[size];
                r.nextBytes(data);
                assertTrue(c.storeFile("f" + size, new ByteArrayInputStream(data)), c.getReplyString());
                assertArrayEquals(data, Files.readAllBytes(root.resolve("f" + size)), "stored " + size);
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                assertTrue(c.retrieveFile("f" + size, back), c.getReplyString());
                assertArrayEquals(data, back.toByteArray(), "fetched " + size);
            }
            // TYPE A through the storage pool too
            c.setFileType(FTP.ASCII_FILE_TYPE);
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            assertTrue(c.retrieveFile("a.txt", text), c.getReplyString());
            assertEquals("hello" + System.lineSeparator(), text.toString()); // the client turns CRLF back
            c.setFileType(FTP.BINARY_FILE_TYPE);

            // REST + RETR works on any store
            c.setRestartOffset(2);
            ByteArrayOutputStream tail = new ByteArrayOutputStream();
            assertTrue(c.retrieveFile("a.txt", tail), c.getReplyString());
            assertEquals("llo\n", tail.toString());

            // APPE
            try (OutputStream out = c.appendFileStream("a.txt")) {
                out.write("more".getBytes());
            }
            assertTrue(c.completePendingCommand(), c.getReplyString());
            assertEquals("hello\nmore", Files.readString(root.resolve("a.txt")));

            // directories and names
            assertTrue(c.makeDirectory("made"), c.getReplyString());
            assertTrue(Files.isDirectory(root.resolve("made")));
            assertTrue(c.changeWorkingDirectory("made"), c.getReplyString());
            assertEquals("/made", c.printWorkingDirectory());
            assertTrue(c.changeToParentDirectory(), c.getReplyString());
            assertTrue(c.removeDirectory("made"), c.getReplyString());
            assertTrue(c.rename("f1", "sub/g1"), c.getReplyString());
            assertTrue(Files.exists(root.resolve("sub/g1")));
            assertTrue(c.deleteFile("sub/g1"), c.getReplyString());
            assertFalse(Files.exists(root.resolve("sub/g1")));
            assertEquals(550, c.sendCommand("DELE nothing-here"));
            assertEquals(213, c.sendCommand("SIZE f0"), c.getReplyString());
        } finally {
            c.disconnect();
        }
    }

    @Test
    void zipArchiveIsServedReadOnly() throws Exception {
        Path zip = tmp.resolve("archive.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("docs/"));
            out.putNextEntry(new ZipEntry("docs/readme.txt"));
            out.write("zip says hi".getBytes());
            out.putNextEntry(new ZipEntry("top.bin"));
            out.write(new byte[100_000]);
        }
        fs = FileSystems.newFileSystem(zip, Map.of("accessMode", "readOnly"));
        Path root = fs.getPath("/");
        server = TestServer.start(root);
        FTPClient c = server.client();
        try {
            assertEquals(List.of("docs", "top.bin"),
                    Arrays.stream(c.listFiles()).map(FTPFile::getName).sorted().toList(), c.getReplyString());
            assertEquals(List.of("readme.txt"), Arrays.stream(c.listNames("docs")).map(n -> n.replace("docs/", ""))
                    .toList());
            assertEquals(2, c.mlistDir().length, c.getReplyString());
            c.setFileType(FTP.BINARY_FILE_TYPE);
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            assertTrue(c.retrieveFile("docs/readme.txt", back), c.getReplyString());
            assertEquals("zip says hi", back.toString());
            back.reset();
            assertTrue(c.retrieveFile("top.bin", back), c.getReplyString());
            assertEquals(100_000, back.size());
            if (fs.isReadOnly()) {
                assertFalse(c.storeFile("new.txt", new ByteArrayInputStream(new byte[1])));
                assertEquals(550, c.getReplyCode());
                assertTrue(c.getReplyString().contains("read-only"), c.getReplyString());
                assertEquals(550, c.sendCommand("MKD x"));
                assertEquals(550, c.sendCommand("DELE top.bin"));
            }
        } finally {
            c.disconnect();
        }
    }

    /**
     * The local disk keeps its fast path: no call of LIST, RETR (sendfile), STOR, MKD or DELE goes
     * to the storage pool; the same commands over Jimfs all do.
     */
    @Test
    void localDiskStaysOnTheLoopOtherStoresUseThePool() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        Files.writeString(local.resolve("a.txt"), "local");
        server = TestServer.start(local);
        touchEverything(server);
        assertEquals(0, ServerInternals.storageCalls(server.server()), "local disk: nothing on the storage pool");
        server.close();
        server = TestServer.start(jimfs(false));
        touchEverything(server);
        assertTrue(ServerInternals.storageCalls(server.server()) >= 6, "Jimfs: every store call on the pool");
    }

    private static void touchEverything(TestServer server) throws IOException {
        FTPClient c = server.client();
        try {
            c.setFileType(FTP.BINARY_FILE_TYPE);
            assertTrue(c.listFiles().length >= 1, c.getReplyString());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(c.retrieveFile("a.txt", out), c.getReplyString());
            assertTrue(c.storeFile("b.bin", new ByteArrayInputStream(new byte[100_000])), c.getReplyString());
            assertTrue(c.makeDirectory("d"), c.getReplyString());
            assertTrue(c.deleteFile("b.bin"), c.getReplyString());
        } finally {
            c.disconnect();
        }
    }

    /**
     * Mounts on other stores under a local home (issue 13 with issue 14's virtual folders): a Jimfs
     * folder and a read-only zip archive beside the local disk. Each path is served by its own
     * store, refusals follow the store of the mount the path is in (the home stays writable), and
     * with a mount off the local disk the store calls go to the storage pool.
     */
    @Test
    void mountsOnOtherStoresUnderALocalHome() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("local.txt"), "on disk");
        Path mem = jimfs(false);
        Path zip = tmp.resolve("archive.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("z.txt"));
            out.write("zipped".getBytes());
        }
        try (FileSystem zipFs = FileSystems.newFileSystem(zip, Map.of("accessMode", "readOnly"))) {
            // one as a config line would give it (a URI), one through the builder's API
            FolderPolicy folders = FolderPolicy.NONE.with("mount", "/mem " + mem.toUri())
                    .mount("/archive", zipFs.getPath("/"));
            server = TestServer.start(home, b -> b.authenticator((user, password) -> user.equals("v")
                    ? new UserAccount("v", home, true, false, UserAccount.Limits.NONE, null, folders) : null));
            FTPClient c = new FTPClient();
            c.connect("127.0.0.1", server.port());
            try {
                assertTrue(c.login("v", "x"), c.getReplyString());
                c.setFileType(FTP.BINARY_FILE_TYPE);
                assertEquals(List.of("archive", "local.txt", "mem"),
                        Arrays.stream(c.listNames()).sorted().toList(), c.getReplyString());
                assertEquals(List.of("a.txt", "sub"),
                        Arrays.stream(c.listFiles("/mem")).map(FTPFile::getName).sorted().toList());
                ByteArrayOutputStream back = new ByteArrayOutputStream();
                assertTrue(c.retrieveFile("/mem/a.txt", back), c.getReplyString());
                assertEquals("hello\n", back.toString());
                back.reset();
                assertTrue(c.retrieveFile("/archive/z.txt", back), c.getReplyString());
                assertEquals("zipped", back.toString());
                back.reset();
                assertTrue(c.retrieveFile("local.txt", back), c.getReplyString());
                assertEquals("on disk", back.toString());

                byte[] data = new byte[200_000];
                new Random(7).nextBytes(data);
                assertTrue(c.storeFile("/mem/up.bin", new ByteArrayInputStream(data)), c.getReplyString());
                assertArrayEquals(data, Files.readAllBytes(mem.resolve("up.bin")));
                assertTrue(c.storeFile("up.bin", new ByteArrayInputStream(data)), c.getReplyString());
                assertArrayEquals(data, Files.readAllBytes(home.resolve("up.bin")));
                assertTrue(c.makeDirectory("/mem/d"), c.getReplyString());
                assertTrue(Files.isDirectory(mem.resolve("d")));
                assertEquals(250, c.sendCommand("CWD /mem/d"), c.getReplyString());
                assertEquals(257, c.sendCommand("PWD"));
                assertTrue(c.getReplyString().contains("\"/mem/d\""), c.getReplyString());

                if (zipFs.isReadOnly()) {
                    // the archive is read-only, the home is not: refused there only, with a reply
                    assertFalse(c.storeFile("/archive/new.txt", new ByteArrayInputStream(new byte[1])));
                    assertEquals(550, c.getReplyCode(), c.getReplyString());
                    assertEquals(550, c.sendCommand("MKD /archive/x"), c.getReplyString());
                    assertEquals(550, c.sendCommand("DELE /archive/z.txt"), c.getReplyString());
                } else {
                    // this JDK opens the zip writable (accessMode not honoured): the upload lands in the
                    // archive, not in the home's directory of the same name
                    assertTrue(c.storeFile("/archive/new.txt", new ByteArrayInputStream(new byte[] {42})),
                            c.getReplyString());
                    assertArrayEquals(new byte[] {42}, Files.readAllBytes(zipFs.getPath("/new.txt")));
                    assertFalse(Files.exists(home.resolve("archive")));
                }
                assertEquals(257, c.sendCommand("MKD /made-at-home"), c.getReplyString());
                assertEquals(200, c.sendCommand("NOOP"), "the session is still up");
            } finally {
                c.disconnect();
            }
            assertTrue(ServerInternals.storageCalls(server.server()) > 0,
                    "a mount off the local disk: store calls on the storage pool");
        }
    }

    /** The bug of issue 13: LIST over a file system without POSIX attributes closed the session. */
    @Test
    void listingWithoutPosixNeverClosesTheSession() throws Exception {
        server = TestServer.start(jimfs(false));
        try (RawClient raw = server.rawLoggedIn()) {
            for (String cmd : List.of("LIST", "NLST", "MLSD")) {
                String listing = raw.listing(cmd);
                assertTrue(listing.contains("a.txt"), cmd + ": " + listing);
            }
            assertTrue(raw.command("MLST a.txt").startsWith("250"));
            assertTrue(raw.command("STAT /").startsWith("21"));
            assertTrue(raw.command("NOOP").startsWith("200"));
        }
    }
}

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

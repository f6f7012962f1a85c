package org.nioftpd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.fs.FileInfo;
import org.nioftpd.fs.ListFormat;

/** A listing comes out the same however the data connection's buffers cut it, names in UTF-8 included. */
class ListingSourceTest {

    @TempDir
    Path dir;

    private static final long T = Instant.parse("2020-01-02T03:04:05Z").toEpochMilli();

    /** Drains {@code source} through buffers of {@code size} bytes, checking fill's contract on the way. */
    private static byte[] drain(ListingSource source, int size) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(size);
        boolean shortSeen = false;
        while (true) {
            buffer.clear();
            boolean put = source.fill(buffer);
            assertEquals(put, buffer.position() > 0, "fill is true exactly when it put bytes");
            if (!put) {
                break;
            }
            assertFalse(shortSeen, "a buffer is filled full unless the listing ended");
            shortSeen = buffer.position() < size;
            out.write(buffer.array(), 0, buffer.position());
        }
        assertFalse(source.fill(ByteBuffer.allocate(size)), "and stays exhausted");
        source.close();
        return out.toByteArray();
    }

    private static String strictUtf8(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    /** Each multi-byte name is cut at each of its bytes by some buffer size: every split comes out whole. */
    @Test
    void multiByteNamesSplitAtEveryBoundary() throws IOException {
        List<FileInfo> infos = List.of(
                new FileInfo("日本.txt", FileInfo.Kind.FILE, 3, T, 0644, null),
                new FileInfo("répertoire €", FileInfo.Kind.DIRECTORY, 4096, T, 0755, null),
                new FileInfo("emoji \ud83d\ude00.png", FileInfo.Kind.FILE, 70_000, T, 0600, null),
                new FileInfo("plain", FileInfo.Kind.FILE, 0, T, 0644, null));
        for (ListFormat format : ListFormat.values()) {
            byte[] whole = drain(new ListingSource(infos, format, true, ListFormat.ALL_FACTS), 1 << 16);
            String text = strictUtf8(whole);
            for (FileInfo f : infos) {
                assertTrue(text.contains(" " + f.name() + "\r\n") || text.contains(f.name() + "\r\n"), text);
            }
            assertEquals(infos.size(), text.split("\r\n").length);
            for (int size = 1; size <= whole.length; size++) {
                byte[] cut = drain(new ListingSource(infos, format, true, ListFormat.ALL_FACTS), size);
                assertEquals(Arrays.toString(whole), Arrays.toString(cut), format + " through buffers of " + size);
            }
        }
    }

    /** Through a directory stream, as LIST of a directory goes: the same bytes at any buffer size. */
    @Test
    void directoryListingThroughSmallBuffers() throws IOException {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String name = "fichier-" + i + "-日本語-é€\ud83d\ude00";
            names.add(name);
            Files.writeString(dir.resolve(name), "x".repeat(i));
        }
        Path root = dir.toRealPath();
        for (ListFormat format : ListFormat.values()) {
            byte[] whole = drain(new ListingSource(Files.newDirectoryStream(root), root, format, true,
                    ListFormat.ALL_FACTS), 1 << 16);
            String text = strictUtf8(whole);
            for (String name : names) {
                assertTrue(text.contains(name + "\r\n"), name);
            }
            for (int size : new int[] {1, 2, 3, 5, 7, 64, 100, 101, 4096}) {
                byte[] cut = drain(new ListingSource(Files.newDirectoryStream(root), root, format, true,
                        ListFormat.ALL_FACTS), size);
                assertEquals(text, strictUtf8(cut), format + " through buffers of " + size);
            }
        }
    }

    /**
     * A directory listed from its open handle (the secure stream the JDK opens on
     * Linux: each entry's attributes by fstatat, its name as the sort decoded it)
     * says what reading each entry by its path says: names, types, sizes, modes,
     * times and file keys, a link inside the root followed, one leaving it left out.
     */
    @Test
    void aDirectoryListedFromItsHandleSaysWhatItsPathsSay() throws IOException {
        Path root = dir.toRealPath();
        Path d = Files.createDirectory(root.resolve("d"));
        Files.write(d.resolve("b.txt"), new byte[1234]);
        Files.write(d.resolve("a.bin"), new byte[7]);
        Files.createDirectory(d.resolve("sub"));
        Path outside = Files.createTempFile("outside", ".txt");
        boolean posix = root.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            if (posix) {
                Files.setPosixFilePermissions(d.resolve("a.bin"),
                        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
            }
            Files.setLastModifiedTime(d.resolve("b.txt"), java.nio.file.attribute.FileTime.fromMillis(T));
            Files.createSymbolicLink(d.resolve("in-link"), d.resolve("b.txt"));
            Files.createSymbolicLink(d.resolve("out-link"), outside);

            java.nio.file.DirectoryStream<Path> raw = Files.newDirectoryStream(d);
            org.nioftpd.fs.SortedDirectoryStream sorted = new org.nioftpd.fs.SortedDirectoryStream(raw);
            if (System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
                assertTrue(sorted.secure() != null, "on Linux the JDK opens a SecureDirectoryStream: it is used");
            }
            String listed = new String(drain(new ListingSource(sorted, root, ListFormat.MLSD, true,
                    ListFormat.ALL_FACTS), 100), StandardCharsets.UTF_8);

            StringBuilder expected = new StringBuilder();
            List<String> names = new ArrayList<>(List.of("a.bin", "b.txt", "in-link", "out-link", "sub"));
            for (String name : names) {
                FileInfo info = FileInfo.read(d.resolve(name), name, root);
                if (info != null) {
                    org.nioftpd.fs.LineBuffer line = new org.nioftpd.fs.LineBuffer();
                    ListFormat.MLSD.append(line, info, true, 0, ListFormat.ALL_FACTS);
                    ByteBuffer b = ByteBuffer.allocate(line.length());
                    line.putInto(b, 0);
                    expected.append(new String(b.array(), StandardCharsets.UTF_8));
                }
            }
            assertEquals(expected.toString(), listed);
            assertEquals(4, listed.split("\r\n").length, listed); // out-link left out
            assertTrue(listed.contains("size=1234;") && listed.contains("size=7;"), listed);
            assertTrue(listed.contains("modify=20200102030405;"), listed);
            if (posix) {
                assertTrue(listed.contains("unix.mode=0640; a.bin\r\n"), listed);
            }
            assertFalse(listed.contains("out-link"), listed);
        } finally {
            Files.deleteIfExists(outside);
        }
    }
}

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
}

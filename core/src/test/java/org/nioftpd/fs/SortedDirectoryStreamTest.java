package org.nioftpd.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sorted by name within a bounded window, never more than a window read ahead. */
@Timeout(30)
class SortedDirectoryStreamTest {

    /** A directory of {@code names} in the given order, counting how many entries were read. */
    private static final class Fake implements DirectoryStream<Path> {
        final List<String> names;
        int read;
        boolean closed;

        Fake(List<String> names) {
            this.names = names;
        }

        @Override
        public Iterator<Path> iterator() {
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return read < names.size();
                }

                @Override
                public Path next() {
                    return Path.of("/d", names.get(read++));
                }
            };
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private static List<String> shuffled(int n, long seed) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(String.format("f%05d", i));
        }
        Collections.shuffle(names, new Random(seed));
        return names;
    }

    @Test
    void aDirectoryWithinTheWindowComesOutFullySorted() throws IOException {
        List<String> names = new ArrayList<>(List.of("b", "C", "a", "_x", "Z", "a.txt", "a b", "10", "9", "é"));
        Fake fake = new Fake(names);
        List<String> got = new ArrayList<>();
        try (SortedDirectoryStream s = new SortedDirectoryStream(fake)) {
            s.iterator().forEachRemaining(p -> got.add(p.getFileName().toString()));
        }
        assertEquals(List.of("10", "9", "C", "Z", "_x", "a", "a b", "a.txt", "b", "é"), got);
        assertTrue(fake.closed);
    }

    @Test
    void aLargerOneComesOutInSortedRunsAndIsNeverReadMoreThanAWindowAhead() {
        int window = 100;
        List<String> names = shuffled(1050, 7);
        Fake fake = new Fake(names);
        Iterator<Path> it = new SortedDirectoryStream(fake, null, window).iterator();
        List<String> got = new ArrayList<>();
        while (it.hasNext()) {
            got.add(it.next().getFileName().toString());
            assertTrue(fake.read - got.size() < window, "read ahead: " + (fake.read - got.size()));
        }
        assertEquals(names.size(), got.size());
        for (int start = 0; start < names.size(); start += window) {
            List<String> run = got.subList(start, Math.min(names.size(), start + window));
            List<String> expected = new ArrayList<>(names.subList(start, Math.min(names.size(), start + window)));
            Collections.sort(expected);
            assertEquals(expected, run, "run at " + start);
        }
    }

    @Test
    void everySizeSortsAsCollectionsSortDoes() {
        // the merge sort of its own: below, at and above its insertion-sort cut (16), odd and even
        // halves, presorted and reversed input (its already-in-order shortcut), names of shared prefixes
        Random random = new Random(11);
        for (int n = 0; n <= 140; n++) {
            for (int shape = 0; shape < 3; shape++) {
                List<String> names = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    names.add("f" + Integer.toString(random.nextInt(1 << 20), 36 - shape * 10) + "." + i);
                }
                List<String> expected = new ArrayList<>(names);
                Collections.sort(expected);
                if (shape == 1) {
                    names = new ArrayList<>(expected);
                } else if (shape == 2) {
                    names = new ArrayList<>(expected);
                    Collections.reverse(names);
                }
                List<String> got = new ArrayList<>();
                new SortedDirectoryStream(new Fake(names)).iterator()
                        .forEachRemaining(p -> got.add(p.getFileName().toString()));
                assertEquals(expected, got, "n=" + n + " shape=" + shape);
            }
        }
    }

    @Test
    void keysOrderNamesAsCompareToDoes() {
        // characters at every edge of the key: NUL (the end of a name's padding), 254, 255 (the
        // key's own end mark), 256 and above, surrogates; lengths around the key's eight
        char[] alphabet = {0, 1, 'a', 'b', 'z', 0x7f, 0xfe, 0xff, 0x100, 0x101, 0x4e2d, 0xd83d, 0xde00, 0xffff};
        Random random = new Random(12);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(12);
            String prefix = random.nextBoolean() ? "f000" : "";
            sb.append(prefix);
            for (int j = 0; j < length; j++) {
                sb.append(alphabet[random.nextInt(alphabet.length)]);
            }
            names.add(sb.toString());
        }
        names.add("");
        for (int i = 0; i < names.size(); i++) {
            for (int j = 0; j < 60; j++) {
                String a = names.get(i);
                String b = names.get(random.nextInt(names.size()));
                int byKey = Long.compareUnsigned(SortedDirectoryStream.key(a), SortedDirectoryStream.key(b));
                if (byKey != 0) {
                    assertEquals(Integer.signum(a.compareTo(b)), Integer.signum(byKey),
                            () -> "key orders " + escape(a) + " and " + escape(b) + " unlike compareTo");
                }
            }
        }
        // and the sort with them, on those of the names a path can hold
        List<String> valid = new ArrayList<>();
        for (String n : names) {
            try {
                if (!n.isEmpty() && Path.of("/d", n).getFileName().toString().equals(n)) {
                    valid.add(n);
                }
            } catch (java.nio.file.InvalidPathException unmappable) {
                // NUL, or a lone surrogate: no file has that name
            }
        }
        assertTrue(valid.size() > 1000, "names left for the sort: " + valid.size());
        names = valid;
        List<String> expected = new ArrayList<>(names);
        Collections.sort(expected);
        List<String> got = new ArrayList<>();
        new SortedDirectoryStream(new Fake(names)).iterator().forEachRemaining(p -> got.add(p.getFileName().toString()));
        assertEquals(expected, got);
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(c -> sb.append(String.format("\\u%04x", c)));
        return sb.toString();
    }
}

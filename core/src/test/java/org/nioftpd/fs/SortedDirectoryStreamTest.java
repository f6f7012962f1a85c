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
}

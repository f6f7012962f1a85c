package org.nioftpd.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A directory's entries sorted by name, as vsftpd and {@code ls} list them,
 * without holding a whole directory in memory: entries are read
 * {@link #WINDOW} at a time, each window sorted and handed out before the
 * next is read. A directory of up to {@link #WINDOW} entries (nearly all of
 * them) comes out fully sorted; a larger one comes out as consecutive sorted
 * runs of {@link #WINDOW} entries, in the order the file system returns
 * them. A listing holds one window of paths at most, whatever the size of
 * the directory, and is still streamed as the data connection takes it.
 *
 * <p>Names compare as Java strings (UTF-16 code units): for the names
 * people use, the byte order of {@code LC_COLLATE=C}.
 */
public final class SortedDirectoryStream implements DirectoryStream<Path> {

    /** Entries read and sorted together: the bound on what one listing holds. */
    public static final int WINDOW = 10_000;

    /**
     * One entry: its name, its path, the last component of the path as the directory gave it (for
     * attributes read relative to the open directory), and {@link #key} of its name.
     */
    private record Entry(String name, Path path, Path fileName, long key) {
    }

    /**
     * Which entries a listing keeps, told each entry's name as decoded once for the sort (null
     * for an entry without one) beside its path.
     */
    @FunctionalInterface
    public interface EntryFilter {
        boolean accept(String name, Path entry) throws IOException;
    }

    private final DirectoryStream<Path> stream;
    private final EntryFilter filter;
    private final int window;
    private boolean iterated;
    /** The file name of the entry {@link Iterator#next} returned last, as read for the sort. */
    private String lastName;
    /** The same as a path of one component (null for an entry without a name). */
    private Path lastFileName;

    public SortedDirectoryStream(DirectoryStream<Path> stream) {
        this(stream, null, WINDOW);
    }

    /**
     * The entries of {@code stream} that {@code filter} accepts: the name it is given is the one
     * the sort and the listing use, so each entry's name is decoded from the directory once.
     */
    public SortedDirectoryStream(DirectoryStream<Path> stream, EntryFilter filter) {
        this(stream, filter, WINDOW);
    }

    /** With another window (tests). */
    SortedDirectoryStream(DirectoryStream<Path> stream, EntryFilter filter, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1");
        }
        this.stream = stream;
        this.filter = filter;
        this.window = window;
    }

    @Override
    public Iterator<Path> iterator() {
        if (iterated) {
            throw new IllegalStateException("iterator already obtained");
        }
        iterated = true;
        Iterator<Path> source = stream.iterator();
        return new Iterator<>() {
            private Entry[] batch = new Entry[0];
            private int next;

            /** The underlying iterator may throw DirectoryIteratorException here: the caller handles it as from any stream. */
            @Override
            public boolean hasNext() {
                if (next < batch.length) {
                    return true;
                }
                batch = fill(source);
                next = 0;
                return batch.length > 0;
            }

            @Override
            public Path next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Entry e = batch[next];
                batch[next++] = null; // handed out: not held any longer
                lastName = e.name();
                lastFileName = e.fileName();
                return e.path();
            }
        };
    }

    private Entry[] fill(Iterator<Path> source) {
        Entry[] read = new Entry[Math.min(window, 64)];
        int n = 0;
        while (n < window && source.hasNext()) {
            Path p = source.next();
            Path file = p.getFileName();
            String name = file == null ? null : FileInfo.nameOf(file.toString()); // "docs", not an object store's "docs/"
            try {
                if (filter != null && !filter.accept(name, p)) {
                    continue;
                }
            } catch (IOException e) {
                throw new java.nio.file.DirectoryIteratorException(e); // as the JDK's own filters fail
            }
            if (n == read.length) {
                read = Arrays.copyOf(read, Math.min(window, read.length * 2));
            }
            String sortName = name == null ? "" : name;
            read[n++] = new Entry(sortName, p, file, key(sortName));
        }
        Entry[] batch = n == read.length ? read : Arrays.copyOf(read, n);
        sort(batch, 0, batch.length, batch.clone());
        return batch;
    }

    /**
     * Sorts {@code a[from, to)} by name, stably; {@code tmp} holds the same elements. A merge sort
     * of its own rather than {@code Arrays.sort} with a comparator: the JDK's TimSort is shared by
     * every sort in the process, and each new element type or comparator that reaches it throws
     * away its compiled code (seen as repeated deoptimizations of {@code TimSort.mergeLo} and
     * {@code mergeHi} during listings, each followed by another C2 compilation that a short run
     * pays for). This one sorts listing entries only, and stays compiled.
     */
    private static void sort(Entry[] a, int from, int to, Entry[] tmp) {
        if (to - from <= 16) { // insertion sort for short runs
            for (int i = from + 1; i < to; i++) {
                Entry e = a[i];
                int j = i - 1;
                while (j >= from && compare(a[j], e) > 0) {
                    a[j + 1] = a[j];
                    j--;
                }
                a[j + 1] = e;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        sort(tmp, from, mid, a); // the halves are sorted into tmp, then merged back into a
        sort(tmp, mid, to, a);
        if (compare(tmp[mid - 1], tmp[mid]) <= 0) {
            System.arraycopy(tmp, from, a, from, to - from); // already in order
            return;
        }
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            if (j >= to || i < mid && compare(tmp[i], tmp[j]) <= 0) {
                a[k] = tmp[i++];
            } else {
                a[k] = tmp[j++];
            }
        }
    }

    /** Orders entries as their names' {@link String#compareTo}: by {@link #key} first, which mostly decides. */
    private static int compare(Entry a, Entry b) {
        int c = Long.compareUnsigned(a.key(), b.key());
        return c != 0 ? c : a.name().compareTo(b.name());
    }

    /**
     * The first eight characters of {@code name}, one byte each, as an unsigned number that orders
     * as the names do, so most comparisons of a sort are one of two longs rather than a walk of two
     * strings (a listing's sort of 1,000 names compares about 10,000 times). A character below
     * 255 is its own byte; one of 255 or more is the byte 255 and ends the key, as the end of the
     * name does (the bytes after it are 0). Where two keys first differ, each byte is either the
     * name's character there, or 255 for a character at least as high (above every byte below
     * it), or 0 where a name ended and the other goes on with a character above 0: so keys that
     * differ order the names exactly, and equal keys decide nothing (the names are then compared
     * whole).
     */
    static long key(String name) {
        long key = 0;
        int n = Math.min(8, name.length());
        int i = 0;
        for (; i < n; i++) {
            int c = name.charAt(i);
            if (c >= 255) {
                key = key << 8 | 255;
                i++;
                break;
            }
            key = key << 8 | c;
        }
        return key << (8 * (8 - i)); // i is 0 for "" only: key 0, whatever the shift
    }

    /**
     * The file name, as a String, of the entry the iterator returned last: a
     * listing takes it from here rather than decode the same bytes again.
     */
    public String lastName() {
        return lastName;
    }

    /**
     * The same name as the directory gave it, a path of one component: the listing reads the
     * entry's attributes relative to the open directory with it, and makes no second copy.
     */
    public Path lastFileName() {
        return lastFileName;
    }

    /**
     * The directory stream underneath if it is a {@link SecureDirectoryStream}
     * (the default file system on Linux opens one): an entry's attributes can
     * be read relative to its open directory ({@code fstatat}), with no walk
     * of the whole path per entry. Null otherwise. ({@link FileInfo#read} uses it
     * for the default provider only: another provider's may be absent or differ.)
     */
    @SuppressWarnings("unchecked")
    public SecureDirectoryStream<Path> secure() {
        return stream instanceof SecureDirectoryStream<?> s ? (SecureDirectoryStream<Path>) s : null;
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}

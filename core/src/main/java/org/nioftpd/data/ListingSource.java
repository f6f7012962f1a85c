package org.nioftpd.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.nioftpd.fs.FileInfo;
import org.nioftpd.fs.LineBuffer;
import org.nioftpd.fs.ListFormat;
import org.nioftpd.fs.SortedDirectoryStream;
import org.nioftpd.protocol.Printable;

/**
 * A listing streamed from a {@link DirectoryStream}: entries are read and
 * formatted only as the data connection takes them, so a directory of
 * 100,000 entries costs one buffer, not 100,000 lines in memory.
 */
public final class ListingSource implements ByteSource {

    private final DirectoryStream<Path> stream;
    /** {@link #stream} when it is sorted (it then knows each entry's name), else null. */
    private final SortedDirectoryStream sorted;
    /** The directory open underneath, for attributes read relative to it; null if none. */
    private final SecureDirectoryStream<Path> secure;
    private final Iterator<Path> entries;
    private final Iterator<FileInfo> single;
    private final Path root;
    private final ListFormat format;
    private final boolean writable;
    private final Set<ListFormat.Fact> facts;
    private final long now = System.currentTimeMillis();
    /** The line being sent; bytes before {@code sent} are in an earlier buffer already. */
    private final LineBuffer line = new LineBuffer();
    private int sent;

    /** Lists the directory behind {@code stream}; links leaving {@code root} are left out. */
    public ListingSource(DirectoryStream<Path> stream, Path root, ListFormat format, boolean writable,
                         Set<ListFormat.Fact> facts) {
        this.facts = facts;
        this.stream = stream;
        this.sorted = stream instanceof SortedDirectoryStream s ? s : null;
        this.secure = sorted != null ? sorted.secure() : null;
        this.entries = stream.iterator();
        this.single = null;
        this.root = root;
        this.format = format;
        this.writable = writable;
    }

    /** Lists given entries (LIST of a single file). */
    public ListingSource(List<FileInfo> infos, ListFormat format, boolean writable, Set<ListFormat.Fact> facts) {
        this.facts = facts;
        this.stream = null;
        this.sorted = null;
        this.secure = null;
        this.entries = null;
        this.single = infos.iterator();
        this.root = null;
        this.format = format;
        this.writable = writable;
    }

    /**
     * Formats entries into {@code dst} until it is full. A line that does not
     * fit is split: its rest stays in {@link #line} and goes first into the
     * next buffer, so the data connection sees the same bytes however its
     * buffers cut them.
     */
    @Override
    public boolean fill(ByteBuffer dst) throws IOException {
        boolean put = false;
        while (dst.hasRemaining()) {
            if (sent < line.length()) {
                sent += line.putInto(dst, sent);
                put = true;
                continue;
            }
            FileInfo next = nextInfo();
            if (next == null) {
                break;
            }
            line.clear();
            sent = 0;
            format.append(line, next, writable, now, facts);
        }
        return put;
    }

    private FileInfo nextInfo() throws IOException {
        if (single != null) {
            return single.hasNext() ? single.next() : null;
        }
        try {
            while (entries.hasNext()) {
                Path p = entries.next();
                // a mount listed in its parent (FileSystemView.Listing) is named by the mount, not its directory
                String fileName = sorted != null ? sorted.lastName() : org.nioftpd.fs.FileSystemView.nameOf(stream, p);
                // a name's control characters as '?': a CR or LF would split its line (RFC 3659 2.2)
                FileInfo info = sorted != null
                        ? FileInfo.read(p, sorted.lastFileName(), fileName, Printable.name(fileName), root, secure)
                        : FileInfo.read(p, fileName, Printable.name(fileName), root, secure);
                if (info != null) {
                    return info;
                }
            }
        } catch (java.nio.file.DirectoryIteratorException e) {
            throw new LocalFileException(e.getCause());
        }
        return null;
    }

    @Override
    public void close() {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
    }
}

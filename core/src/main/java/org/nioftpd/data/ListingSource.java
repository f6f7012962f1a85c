package org.nioftpd.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.nioftpd.fs.FileInfo;
import org.nioftpd.fs.ListFormat;

/**
 * A listing streamed from a {@link DirectoryStream}: entries are read and
 * formatted only as the data connection takes them, so a directory of
 * 100,000 entries costs one buffer, not 100,000 lines in memory.
 */
public final class ListingSource implements ByteSource {

    private final DirectoryStream<Path> stream;
    private final Iterator<Path> entries;
    private final Iterator<FileInfo> single;
    private final Path root;
    private final ListFormat format;
    private final boolean writable;
    private final Set<ListFormat.Fact> facts;
    private final long now = System.currentTimeMillis();
    private final StringBuilder line = new StringBuilder(128);
    private byte[] pending;
    private int pendingOffset;

    /** Lists the directory behind {@code stream}; links leaving {@code root} are left out. */
    public ListingSource(DirectoryStream<Path> stream, Path root, ListFormat format, boolean writable,
                         Set<ListFormat.Fact> facts) {
        this.facts = facts;
        this.stream = stream;
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
        this.entries = null;
        this.single = infos.iterator();
        this.root = null;
        this.format = format;
        this.writable = writable;
    }

    @Override
    public boolean fill(ByteBuffer dst) throws IOException {
        boolean put = false;
        while (dst.hasRemaining()) {
            if (pending != null) {
                int n = Math.min(dst.remaining(), pending.length - pendingOffset);
                dst.put(pending, pendingOffset, n);
                pendingOffset += n;
                put = true;
                if (pendingOffset == pending.length) {
                    pending = null;
                }
                continue;
            }
            FileInfo next = nextInfo();
            if (next == null) {
                break;
            }
            line.setLength(0);
            format.append(line, next, writable, now, facts);
            pending = line.toString().getBytes(StandardCharsets.UTF_8);
            pendingOffset = 0;
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
                FileInfo info = FileInfo.read(p, p.getFileName().toString(), root);
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

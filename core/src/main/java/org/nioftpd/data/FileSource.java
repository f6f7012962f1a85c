package org.nioftpd.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * A file read in bounded chunks, for downloads that cannot go zero-copy: in
 * TYPE A (LF becomes CRLF on the wire) or under MODE Z (the bytes go through
 * the deflater).
 */
public final class FileSource implements ByteSource {

    private final FileChannel file;
    private final AsciiCodec.Encoder ascii;
    private final ByteBuffer raw = ByteBuffer.allocate(32 * 1024);
    private long position;
    private boolean eof;

    /** Reads {@code file} from {@code offset}; converts LF to CRLF if {@code ascii}. */
    public FileSource(FileChannel file, long offset, boolean ascii) {
        this.file = file;
        this.position = offset;
        this.ascii = ascii ? new AsciiCodec.Encoder() : null;
        raw.flip();
    }

    @Override
    public boolean fill(ByteBuffer dst) throws IOException {
        boolean put = false;
        while (dst.remaining() >= 2) {
            if (!raw.hasRemaining()) {
                if (eof) {
                    break;
                }
                raw.clear();
                int n;
                try {
                    n = file.read(raw, position);
                } catch (IOException e) {
                    throw new LocalFileException(e);
                } finally {
                    raw.flip();
                }
                if (n < 0) {
                    eof = true;
                    break;
                }
                if (n == 0) {
                    // A provider's channel may return 0 rather than -1 at the end (S3's does): ask the
                    // size, else this would read nothing forever.
                    try {
                        eof = position >= file.size();
                    } catch (IOException e) {
                        throw new LocalFileException(e);
                    }
                    break;
                }
                position += n;
            }
            int before = dst.position();
            if (ascii != null) {
                ascii.encode(raw, dst);
            } else {
                int n = Math.min(raw.remaining(), dst.remaining());
                ByteBuffer slice = raw.slice();
                slice.limit(n);
                dst.put(slice);
                raw.position(raw.position() + n);
            }
            put |= dst.position() > before;
        }
        return put || !eof || raw.hasRemaining();
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException ignored) {
            // read-only
        }
    }
}

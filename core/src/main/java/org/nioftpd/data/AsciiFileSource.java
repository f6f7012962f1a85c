package org.nioftpd.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A file read in bounded chunks and sent in TYPE A: LF becomes CRLF on the wire. */
public final class AsciiFileSource implements ByteSource {

    private final FileChannel file;
    private final AsciiCodec.Encoder encoder = new AsciiCodec.Encoder();
    private final ByteBuffer raw = ByteBuffer.allocate(32 * 1024);
    private long position;
    private boolean eof;

    public AsciiFileSource(FileChannel file, long offset) {
        this.file = file;
        this.position = offset;
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
                position += n;
            }
            put |= encoder.encode(raw, dst) > 0;
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

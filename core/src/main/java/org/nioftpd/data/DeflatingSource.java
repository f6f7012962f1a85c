package org.nioftpd.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * MODE Z on the way out (draft-preston-ftpext-deflate): the bytes of another
 * source, compressed as one zlib stream that ends with the transfer.
 */
public final class DeflatingSource implements ByteSource {

    private final ByteSource inner;
    private final Deflater deflater;
    private final ByteBuffer plain = ByteBuffer.allocate(32 * 1024);
    private boolean innerDone;

    public DeflatingSource(ByteSource inner, int level) {
        this.inner = inner;
        this.deflater = new Deflater(level);
        plain.flip();
    }

    @Override
    public boolean fill(ByteBuffer dst) throws IOException {
        boolean put = false;
        while (dst.hasRemaining() && !deflater.finished()) {
            if (deflater.needsInput() && !innerDone) {
                plain.clear();
                innerDone = !inner.fill(plain);
                plain.flip();
                deflater.setInput(plain);
                if (innerDone) {
                    deflater.finish();
                }
                continue;
            }
            int n = deflater.deflate(dst);
            put |= n > 0;
            if (n == 0 && deflater.needsInput() && innerDone) {
                deflater.finish();
            }
        }
        return put || !deflater.finished();
    }

    @Override
    public void close() {
        deflater.end();
        inner.close();
    }
}

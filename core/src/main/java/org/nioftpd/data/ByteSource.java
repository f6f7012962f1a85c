package org.nioftpd.data;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Bytes produced on demand into a bounded buffer: an ASCII-converted file, a listing. */
public interface ByteSource extends AutoCloseable {

    /** Puts what fits into {@code dst}; returns false once the source is exhausted and nothing was put. */
    boolean fill(ByteBuffer dst) throws IOException;

    @Override
    void close();
}

package org.nioftpd.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Server to client: RETR, LIST, NLST, MLSD. Two ways to make bytes:
 * <ul>
 *   <li>a file in TYPE I goes zero-copy, {@link FileChannel#transferTo}
 *       ({@code sendfile(2)}) from the REST offset, never through the heap;</li>
 *   <li>anything else ({@link ByteSource}: TYPE A conversion, listings) is
 *       produced into one bounded buffer, flushed, and produced again.</li>
 * </ul>
 * Either way the loop asks for OP_WRITE only when the socket is full, and
 * gives up the thread after {@link #BUDGET_PER_WAKEUP} bytes.
 */
public final class Download extends Transfer {

    private static final int BUFFER_SIZE = 64 * 1024;

    /**
     * Most bytes one {@code sendfile} call is asked for. Measured on loopback
     * (bench: {@code load --scenario retr}, interleaved servers, 64 MiB file):
     * asking for the whole 1 MiB budget in one call moved 2.3 GB/s; 48 KiB
     * calls in the same loop moved 4.3 to 5.4 GB/s, ahead of proftpd and
     * pyftpdlib (3.4 to 3.6). 24 KiB calls were slow again (2.6), and 64 KiB,
     * just over loopback's 65,483-byte MSS, was slow too (2.5): the best call
     * is a whole number of pages that fits one segment there, and on a real
     * network it is still a page-aligned 12 pages per system call.
     */
    static final int SENDFILE_CHUNK = 48 * 1024;

    private final String description;
    private final FileChannel file;
    private final ByteSource source;
    private long position;
    /** Where a zero-copy download stops: the file's size when it started. */
    private long end = -1;
    private ByteBuffer buffer;
    private boolean sourceDone;
    private boolean outputShut;

    private Download(String description, FileChannel file, long position, ByteSource source) {
        this.description = description;
        this.file = file;
        this.position = position;
        this.source = source;
    }

    /** A file sent as it is, from {@code offset}. */
    public static Download zeroCopy(String description, FileChannel file, long offset) {
        return new Download(description, file, offset, null);
    }

    /** Bytes made by {@code source} (which owns whatever file it reads). */
    public static Download of(String description, ByteSource source) {
        return new Download(description, null, 0, source);
    }

    @Override
    protected void begin() throws IOException {
        if (source != null) {
            buffer = ByteBuffer.allocate(BUFFER_SIZE);
            buffer.flip();
        }
        onWritable();
    }

    @Override
    public void onWritable() throws IOException {
        if (isEnded()) {
            return;
        }
        boolean finished = outputShut || (file != null ? sendFile() : sendSource());
        if (finished) {
            if (!outputShut) {
                outputShut = true;
                endPoint.shutdownOutput(); // FIN (TLS: close_notify, then FIN) after the last byte: the client's end of file
            }
            if (endPoint.hasPendingOutput()) {
                // TLS: records (the close_notify at least) still wait for the socket;
                // closing now would cut them off and the client would see a truncated file.
                endPoint.writeInterest(true);
                return;
            }
            end(null);
        }
    }

    /** On the loop: the store has bytes (or its end) for a download that waited for them. */
    private void storeReady() {
        try {
            onWritable();
        } catch (IOException e) {
            end(e);
        } catch (RuntimeException e) {
            end(new IOException(e));
        }
    }

    @Override
    protected void pauseIo() {
        endPoint.writeInterest(false);
    }

    @Override
    protected void resumeIo() throws IOException {
        onWritable();
    }

    /** Returns true when the whole file is sent. */
    private boolean sendFile() throws IOException {
        long budget = budget();
        if (budget == 0) {
            return false;
        }
        if (end < 0) {
            end = file.size(); // once: an fstat per sendfile costs measurably on small files
        }
        while (budget > 0) {
            if (position >= end) {
                return true;
            }
            long n = endPoint.transferFrom(file, position, Math.min(Math.min(end - position, budget), SENDFILE_CHUNK));
            if (n <= 0) {
                if (position >= file.size()) {
                    return true; // the file shrank under us: what it has is sent (else: a busy OP_WRITE loop)
                }
                endPoint.writeInterest(true); // socket full: wait for room
                return false;
            }
            position += n;
            budget -= n;
            progress(n);
        }
        endPoint.writeInterest(true); // budget spent: go on at the next turn of the loop
        return false;
    }

    private boolean sendSource() throws IOException {
        long budget = budget();
        if (budget == 0) {
            return false;
        }
        while (budget > 0) {
            if (!buffer.hasRemaining()) {
                if (sourceDone) {
                    return true; // onWritable waits for any output still pending below
                }
                buffer.clear();
                sourceDone = !source.fill(buffer);
                buffer.flip();
                if (!buffer.hasRemaining() && !sourceDone && source instanceof PrefetchSource store
                        && store.whenReady(this::storeReady)) {
                    endPoint.writeInterest(false); // nothing from the store yet: woken when it has bytes
                    return false;
                }
                continue;
            }
            int limit = buffer.limit();
            if (buffer.remaining() > budget) {
                buffer.limit(buffer.position() + (int) budget); // a throttled transfer sends no more than allowed
            }
            int n = endPoint.flush(buffer);
            buffer.limit(limit);
            if (n == 0) {
                endPoint.writeInterest(true);
                return false;
            }
            budget -= n;
            progress(n);
        }
        endPoint.writeInterest(true);
        return false;
    }

    @Override
    public void release() {
        try {
            if (file != null) {
                file.close();
            }
        } catch (IOException ignored) {
            // read-only: nothing was lost
        }
        if (source != null) {
            source.close();
        }
    }

    @Override
    public String describe() {
        return description;
    }
}

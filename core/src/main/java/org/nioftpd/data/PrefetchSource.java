package org.nioftpd.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * A {@link ByteSource} whose bytes are made on the storage pool: a file of a
 * remote store, a listing of one (each entry's attributes a round trip). The
 * pool fills a small fixed set of buffers ({@value #BUFFERS} of
 * {@value #BUFFER_SIZE} bytes) one per task, and the loop sends them; when
 * every buffer is full the pool stops asking the store (back-pressure from a
 * slow client), and when none is full the download stops asking the socket
 * and is woken when one is ({@link #whenReady}). No thread is held per
 * transfer and no file is ever held whole in memory.
 *
 * <p>{@link #fill} and {@link #whenReady} and {@link #close} are called on the
 * loop; the wrapped source is touched by one storage thread at a time and
 * closed on the pool too (closing a remote stream is a round trip).
 */
public final class PrefetchSource implements ByteSource {

    static final int BUFFERS = 4;
    static final int BUFFER_SIZE = 64 * 1024;

    private final ByteSource inner;
    private final Executor storage;
    private final Executor loop;
    /** Loop thread only: the buffer being sent (read mode), or null. */
    private ByteBuffer current;

    // Guarded by this: the hand-over between the loop and the storage thread of the moment.
    private final ArrayDeque<ByteBuffer> ready = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private boolean producing;
    private boolean exhausted;
    private IOException failure;
    private boolean closed;
    private boolean innerClosed;
    private Runnable waiter;

    /**
     * @param inner   the source to read on the pool (owned: closed on the pool)
     * @param storage the storage pool
     * @param loop    the session's loop, where {@link #whenReady} callbacks run
     */
    public PrefetchSource(ByteSource inner, Executor storage, Executor loop) {
        this.inner = inner;
        this.storage = storage;
        this.loop = loop;
        for (int i = 0; i < BUFFERS; i++) {
            free.add(ByteBuffer.allocate(BUFFER_SIZE));
        }
    }

    /** Loop thread: what the pool has made, without waiting; true while more may come. */
    @Override
    public boolean fill(ByteBuffer dst) throws IOException {
        boolean put = false;
        try {
            while (dst.hasRemaining()) {
                if (current == null || !current.hasRemaining()) {
                    synchronized (this) {
                        if (current != null) {
                            free.add(current.clear());
                        }
                        current = ready.poll();
                        if (current == null) {
                            if (failure != null) {
                                throw failure;
                            }
                            if (exhausted) {
                                return put;
                            }
                            break;
                        }
                    }
                }
                int n = Math.min(current.remaining(), dst.remaining());
                int limit = current.limit();
                current.limit(current.position() + n);
                dst.put(current);
                current.limit(limit);
                put = true;
            }
        } finally {
            kick();
        }
        return true;
    }

    /**
     * Loop thread, after a {@link #fill} that put nothing: true if {@code then} will run on the loop
     * when bytes (or the end, or a failure) arrive; false if they are here already (fill again).
     */
    public synchronized boolean whenReady(Runnable then) {
        if (!ready.isEmpty() || exhausted || failure != null || closed) {
            return false;
        }
        waiter = then;
        return true;
    }

    /** Starts one storage task if a buffer is free and the source may have more. */
    private void kick() {
        synchronized (this) {
            if (producing || exhausted || failure != null || closed || free.isEmpty()) {
                return;
            }
            producing = true;
        }
        try {
            storage.execute(this::produceOne);
        } catch (RejectedExecutionException busy) {
            synchronized (this) {
                producing = false;
                failure = new LocalFileException(new IOException("storage busy: too many store calls waiting"));
            }
            wake();
        }
    }

    /** Storage thread: one buffer from the store, then the next task if there is room. */
    private void produceOne() {
        ByteBuffer b;
        synchronized (this) {
            b = closed ? null : free.poll();
            if (b == null) {
                producing = false;
            }
        }
        if (b == null) {
            closeInnerIfDone();
            return;
        }
        boolean more;
        IOException err = null;
        try {
            more = inner.fill(b.clear());
        } catch (IOException e) {
            more = false;
            err = e;
        } catch (RuntimeException e) {
            more = false;
            err = new LocalFileException(new IOException("store failure: " + e, e));
        }
        b.flip();
        synchronized (this) {
            if (b.hasRemaining()) {
                ready.add(b);
            } else {
                free.add(b.clear());
            }
            exhausted |= !more && err == null;
            if (err != null) {
                failure = err;
            }
            producing = false;
        }
        wake();
        closeInnerIfDone();
        kick();
    }

    private void wake() {
        Runnable w;
        synchronized (this) {
            w = waiter;
            waiter = null;
        }
        if (w != null) {
            loop.execute(w);
        }
    }

    /** Loop thread: the transfer ended; the store's stream is closed on the pool once no task uses it. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            waiter = null;
            ready.clear();
        }
        closeInnerIfDone();
    }

    private void closeInnerIfDone() {
        synchronized (this) {
            if (!closed || producing || innerClosed) {
                return;
            }
            innerClosed = true;
        }
        try {
            storage.execute(inner::close);
        } catch (RejectedExecutionException busy) {
            inner.close(); // the pool is gone or full: closing must still happen
        }
    }
}

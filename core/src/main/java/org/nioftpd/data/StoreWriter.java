package org.nioftpd.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * An upload's writes to a remote store, made on the storage pool. The loop
 * copies what it read from the socket into a small fixed set of buffers
 * ({@value #BUFFERS} of {@value #BUFFER_SIZE} bytes); the pool writes them to
 * the store in order, one buffer per task. When every buffer waits for the
 * store the upload stops reading its socket ({@link #full}, {@link #whenRoom})
 * so a slow store slows the client's TCP window, not the server's memory.
 * The final close (for an object store: the upload of the object itself) and
 * rename run on the pool too, after the last buffer.
 *
 * <p>{@link #write}, {@link #full}, {@link #whenRoom}, {@link #finish} and
 * {@link #abort} are called on the loop; callbacks run on the loop.
 */
final class StoreWriter {

    private static final System.Logger LOG = System.getLogger(StoreWriter.class.getName());
    static final int BUFFERS = 4;
    static final int BUFFER_SIZE = 64 * 1024;

    private final WritableByteChannel file;
    private final Executor storage;
    private final Executor loop;
    private final Consumer<IOException> failed;

    // Guarded by this.
    private final ArrayDeque<ByteBuffer> filled = new ArrayDeque<>();
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private int allocated;
    private boolean writing;
    private boolean failedAlready;
    private boolean stopped;
    private Runnable onRoom;
    private Callable<Void> last;
    private Consumer<IOException> lastDone;
    private Runnable cleanupAfter;

    /** {@code failed} runs on the loop once, if a write to the store fails. */
    StoreWriter(WritableByteChannel file, Executor storage, Executor loop, Consumer<IOException> failed) {
        this.file = file;
        this.storage = storage;
        this.loop = loop;
        this.failed = failed;
    }

    /** Loop: copies {@code src} (read mode) into buffers bound for the store. Never blocks. */
    void write(ByteBuffer src) {
        while (src.hasRemaining()) {
            ByteBuffer b;
            synchronized (this) {
                if (stopped) {
                    src.position(src.limit());
                    return;
                }
                b = free.poll();
                if (b == null) {
                    // past the set only within one read of the socket: full() stops the next one
                    b = ByteBuffer.allocate(BUFFER_SIZE);
                    allocated++;
                }
            }
            int n = Math.min(b.remaining(), src.remaining());
            int limit = src.limit();
            src.limit(src.position() + n);
            b.put(src);
            src.limit(limit);
            b.flip();
            synchronized (this) {
                filled.add(b);
            }
        }
        kick();
    }

    /** Loop: every buffer waits for the store; read no more from the socket. */
    synchronized boolean full() {
        return free.isEmpty() && allocated >= BUFFERS;
    }

    /** Loop: true if {@code then} runs on the loop once a buffer is free; false if one is free now. */
    synchronized boolean whenRoom(Runnable then) {
        if (!full() || stopped) {
            return false;
        }
        onRoom = then;
        return true;
    }

    /**
     * Loop: the last byte is here. Once every buffer is written, {@code commit} runs on the pool
     * (close, rename) and {@code done} on the loop with its failure or null.
     */
    void finish(Callable<Void> commit, Consumer<IOException> done) {
        synchronized (this) {
            last = commit;
            lastDone = done;
        }
        kick();
    }

    /** Loop: the upload failed or was aborted; {@code cleanup} runs on the pool after any write in flight. */
    void abort(Runnable cleanup) {
        synchronized (this) {
            stopped = true;
            filled.clear();
            onRoom = null;
            last = null;
            lastDone = null;
            if (writing) {
                cleanupAfter = cleanup; // the storage thread runs it when its write returns
                return;
            }
            writing = true;
        }
        run(cleanup);
    }

    private void run(Runnable task) {
        try {
            storage.execute(task);
        } catch (RejectedExecutionException busy) {
            task.run(); // the pool is shutting down: the file must still be closed
        }
    }

    private void kick() {
        synchronized (this) {
            if (writing || stopped || (filled.isEmpty() && last == null)) {
                return;
            }
            writing = true;
        }
        try {
            storage.execute(this::writeOne);
        } catch (RejectedExecutionException busy) {
            synchronized (this) {
                writing = false;
            }
            fail(new LocalFileException(new IOException("storage busy: too many store calls waiting")));
        }
    }

    /** Storage thread: one buffer to the store, or the commit once all are written. */
    private void writeOne() {
        ByteBuffer b;
        Callable<Void> commit = null;
        Consumer<IOException> done = null;
        synchronized (this) {
            b = filled.poll();
            if (b == null) {
                commit = last;
                done = lastDone;
                last = null;
                lastDone = null;
            }
        }
        if (b != null) {
            try {
                while (b.hasRemaining()) {
                    file.write(b);
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof RuntimeException) {
                    LOG.log(System.Logger.Level.WARNING, "store failed writing an upload", e);
                }
                idle();
                fail(e instanceof IOException io ? new LocalFileException(io)
                        : new LocalFileException(new IOException("store failure: " + e, e)));
                return;
            }
            Runnable room;
            synchronized (this) {
                if (allocated <= BUFFERS) {
                    free.add(b.clear());
                } else {
                    allocated--;
                }
                room = full() ? null : onRoom;
                if (room != null) {
                    onRoom = null;
                }
            }
            idle();
            if (room != null) {
                loop.execute(room);
            }
            kick();
            return;
        }
        IOException failure = null;
        if (commit != null) {
            try {
                commit.call();
            } catch (IOException e) {
                failure = e;
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "store failed closing an upload", e);
                failure = new LocalFileException(new IOException("store failure: " + e, e));
            }
        }
        idle();
        if (done != null) {
            IOException f = failure;
            Consumer<IOException> d = done;
            loop.execute(() -> d.accept(f));
        }
    }

    /** Storage thread: no task of this writer runs any more; a cleanup that waited for that runs now. */
    private void idle() {
        Runnable c;
        synchronized (this) {
            writing = false;
            c = cleanupAfter;
            cleanupAfter = null;
        }
        if (c != null) {
            c.run();
        }
    }

    private void fail(IOException e) {
        synchronized (this) {
            if (failedAlready) {
                return;
            }
            failedAlready = true;
            stopped = true;
            filled.clear();
        }
        loop.execute(() -> failed.accept(e));
    }
}

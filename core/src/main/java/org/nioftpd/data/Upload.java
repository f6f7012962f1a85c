package org.nioftpd.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.nioftpd.fs.QuotaCharge;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.nioftpd.reactor.EventLoop;

/**
 * Client to server: STOR, APPE, STOU. Reads into one bounded buffer and
 * writes it to the file; the end of stream (the client's FIN) is the end of
 * the file. In TYPE A, CRLF becomes the native line end on the way.
 *
 * <p>The file write blocks as page-cached disk writes do; it is bounded by
 * the buffer size, and the loop reads no more from this socket until it is
 * done, so a slow disk slows this upload's TCP window, not memory.
 *
 * <p>The final rename does not run on the loop when a worker pool is given
 * ({@link #commitOn}): renaming over an existing file makes ext4 (its
 * {@code auto_da_alloc}, the guard for replace-by-rename) start writeback of
 * the whole new file inside {@code rename(2)}: 26 ms for 64 MiB measured
 * (strace -w during the bench's stor scenario), during which every other
 * session of the loop would wait.
 */
public final class Upload extends Transfer {

    private static final int BUFFER_SIZE = 64 * 1024;

    private final String description;
    private final FileChannel file;
    private final Inflater inflater;
    private final ByteBuffer inflated;
    /**
     * MODE Z: the compressed bytes read from the socket and not yet inflated
     * (read mode). The upload's own, not the loop's I/O buffer: a turn may end
     * with some of it left, when its output budget is spent.
     */
    private final ByteBuffer deflated;
    /** MODE Z: the client's end of stream was read; what {@link #deflated} holds is the last of it. */
    private boolean deflatedEnd;
    /** MODE Z: a task on the loop will go on inflating {@link #deflated} (read interest is off meanwhile). */
    private boolean inflating;
    private long compressedBytes;
    private long inflatedBytes;
    /** MODE Z: refuse (552) once the output is more than this many times the input; 0: no limit. */
    private long maxInflateRatio;
    /** MODE Z: output that is always allowed, whatever the ratio. */
    private long inflateAllowance;
    private final AsciiCodec.Decoder ascii;
    private final Path temporary;
    private final Path target;
    /** The loop's I/O buffer while {@link #onReadable} runs; null otherwise (it is never kept across calls). */
    private ByteBuffer in;
    private final ByteBuffer converted;
    private boolean complete;
    /** Where the close and rename run; null: on the loop. */
    private Executor committer;
    /** The commit runs on a worker: the file and the temporary are its until it posts back. */
    private boolean committing;
    /** A store other than the local disk: writes, close and rename run there (null: on the loop). */
    private Executor storage;
    private StoreWriter remote;
    /** Written straight to a target that did not exist before: removed again if the upload fails. */
    private boolean createdTarget;
    /** The quota this upload counts against, or null. */
    private QuotaCharge quota;

    /**
     * A new file is written to {@code temporary} beside its {@code target} and
     * renamed over it only once complete: a failed or aborted upload leaves
     * the old file (or none) untouched. A resumed upload (REST, APPE) writes
     * in place and keeps what arrived; pass {@code temporary == null}.
     *
     * @param file      open for writing, positioned where the bytes go
     * @param inflater  MODE Z: the wire carries a zlib stream; null in MODE S
     * @param ascii     null for TYPE I
     */
    public Upload(String description, FileChannel file, Inflater inflater, AsciiCodec.Decoder ascii,
                  Path temporary, Path target) {
        this.description = description;
        this.file = file;
        this.inflater = inflater;
        this.inflated = inflater != null ? ByteBuffer.allocate(BUFFER_SIZE) : null;
        this.deflated = inflater != null ? ByteBuffer.allocate(BUFFER_SIZE).flip() : null;
        this.ascii = ascii;
        this.temporary = temporary;
        this.target = target;
        this.converted = ascii != null ? ByteBuffer.allocate(BUFFER_SIZE) : null;
    }

    /** Runs the final close and rename of a new file on {@code workers}, off the loop (see the class comment). */
    public Upload commitOn(Executor workers) {
        this.committer = workers;
        return this;
    }

    /**
     * The file is on a store other than the local disk: every write, the close and the rename run on
     * {@code pool}, through a bounded set of buffers (see {@link StoreWriter}), never on the loop.
     */
    public Upload viaStorage(Executor pool) {
        this.storage = pool;
        return this;
    }

    /**
     * The file is written in place (no temporary: on a store without atomic rename, the rename would be
     * a copy of the whole object). If {@code created}, the target did not exist before and a failed
     * upload removes it.
     */
    public Upload inPlace(boolean created) {
        this.createdTarget = created;
        return this;
    }

    /**
     * MODE Z: refuses the upload with 552 (temporary file removed) once it has
     * written more than {@code allowance} bytes and more than {@code ratio}
     * times the compressed bytes received. {@code ratio} 0: no limit.
     */
    public Upload inflateLimit(long ratio, long allowance) {
        this.maxInflateRatio = ratio;
        this.inflateAllowance = allowance;
        return this;
    }

    /**
     * Counts every chunk against {@code charge} before writing it: past the
     * limit the upload ends with 552, its temporary removed (or, in place, the
     * file cut back to where it started); null for none.
     */
    public Upload quota(QuotaCharge charge) {
        this.quota = charge;
        return this;
    }

    @Override
    protected void begin() {
        if (storage != null) {
            remote = new StoreWriter(file, storage, endPoint.loop(), this::storeFailed);
        }
        endPoint.readInterest(true);
    }

    /** On the loop: a write to the store failed. */
    private void storeFailed(IOException e) {
        end(e);
    }

    /**
     * True (and read interest off until the store has taken a buffer) when every buffer waits for the
     * store: the socket is not read meanwhile, so a slow store slows the client, not memory.
     */
    private boolean storeFull() {
        if (remote == null || !remote.full()) {
            return false;
        }
        if (remote.whenRoom(this::storeRoom)) {
            endPoint.readInterest(false);
            return true;
        }
        return false;
    }

    /** On the loop: the store took a buffer; read the socket again. */
    private void storeRoom() {
        if (isEnded() || committing) {
            return;
        }
        resumeIo();
    }

    @Override
    protected void pauseIo() {
        endPoint.readInterest(false);
    }

    @Override
    protected void resumeIo() {
        if (inflater != null && deflated.hasRemaining()) {
            continueInflating(); // compressed bytes are waiting here, not in the socket
        } else {
            endPoint.readInterest(true);
        }
    }

    @Override
    public void onReadable() throws IOException {
        if (inflater != null) {
            readDeflated();
            return;
        }
        in = endPoint.loop().ioBuffer();
        try {
            readAvailable();
        } finally {
            in = null;
        }
    }

    private void readAvailable() throws IOException {
        long budget = budget();
        while (budget > 0 && !isEnded()) {
            if (storeFull()) {
                return;
            }
            in.limit((int) Math.min(in.capacity(), budget)); // a throttled upload reads no more than allowed
            int n = endPoint.fill(in);
            if (n < 0) {
                in.flip();
                store(true);
                finish();
                return;
            }
            if (n == 0) {
                return; // read interest stays on
            }
            progress(n);
            budget -= n;
            in.flip();
            store(false);
            in.clear();
        }
    }

    /** Writes what {@link #in} holds (read mode) to the file, converted in TYPE A (MODE S). */
    private void store(boolean last) throws IOException {
        decode(in, last);
    }

    /**
     * MODE Z, one turn: reads compressed bytes and inflates them into the file.
     * The fairness budget counts both the bytes read and the bytes written, so
     * that a zlib stream of zeros (1,000 times smaller than its output) moves
     * no more per turn than a plain upload: when the budget is spent with
     * compressed input left, read interest goes off and a task on the loop
     * takes it up again after the other sessions' turn.
     */
    private void readDeflated() throws IOException {
        long budget = budget();
        if (budget == 0) {
            return; // the throttle paused the transfer; resumeIo goes on
        }
        while (budget > 0 && !isEnded()) {
            if (storeFull()) {
                return;
            }
            if (!deflated.hasRemaining()) {
                if (deflatedEnd) {
                    finishDeflated();
                    return;
                }
                deflated.clear().limit((int) Math.min(deflated.capacity(), budget));
                int n = endPoint.fill(deflated);
                deflated.flip();
                if (n < 0) {
                    deflatedEnd = true;
                    continue;
                }
                if (n == 0) {
                    return; // read interest stays on
                }
                progress(n);
                compressedBytes += n;
                budget -= n;
                inflater.setInput(deflated);
            }
            budget -= inflate(budget);
        }
        if (budget <= 0 && !isEnded() && (deflated.hasRemaining() || deflatedEnd) && !inflating) {
            endPoint.readInterest(false); // the socket waits until what is here is written
            inflating = true;
            endPoint.loop().execute(this::continueInflating);
        }
    }

    /** A task on the loop: the next turn of a MODE Z upload whose last turn spent its budget. */
    private void continueInflating() {
        inflating = false;
        if (isEnded()) {
            return;
        }
        try {
            readDeflated();
            if (!isEnded() && !inflating && !deflated.hasRemaining() && !deflatedEnd) {
                endPoint.readInterest(true); // all inflated: back to the socket
            }
        } catch (IOException e) {
            end(e);
        } catch (RuntimeException e) {
            end(new IOException(e));
        }
    }

    /**
     * Inflates what the inflater holds into the file, until about {@code budget}
     * bytes are written (at most one buffer more) or the input is used up.
     * Returns the bytes written.
     */
    private long inflate(long budget) throws IOException {
        long written = 0;
        while (written < budget && !inflater.finished()) {
            inflated.clear();
            int n;
            try {
                n = inflater.inflate(inflated);
            } catch (DataFormatException e) {
                throw new IOException("MODE Z: corrupt deflate stream: " + e.getMessage(), e);
            }
            if (n == 0) {
                if (inflater.needsDictionary()) {
                    throw new IOException("MODE Z: the deflate stream needs a preset dictionary");
                }
                break; // all input consumed (the inflater advanced deflated's position)
            }
            written += n;
            inflatedBytes += n;
            if (maxInflateRatio > 0 && inflatedBytes > inflateAllowance
                    && inflatedBytes / maxInflateRatio > compressedBytes) {
                throw LocalFileException.overLimit("MODE Z data expands more than " + maxInflateRatio
                        + " times (" + compressedBytes + " bytes became more than " + inflatedBytes + ")");
            }
            inflated.flip();
            decode(inflated, false);
        }
        if (inflater.finished()) {
            deflated.position(deflated.limit()); // whatever follows the end of the stream is ignored
        }
        return Math.max(written, 1); // a turn that only consumed input still costs something
    }

    /** MODE Z: the client's end of stream, and every byte before it inflated. */
    private void finishDeflated() throws IOException {
        inflate(Long.MAX_VALUE); // with no input left, at most the rest of one match (258 bytes) is pending
        if (!inflater.finished()) {
            throw new IOException("MODE Z: the deflate stream ended early");
        }
        decode(inflated.clear().flip(), true);
        finish();
    }

    /** Writes {@code data} (read mode) to the file, CRLF to LF in TYPE A. */
    private void decode(ByteBuffer data, boolean last) throws IOException {
        if (ascii == null) {
            writeFully(data);
            return;
        }
        while (data.hasRemaining()) {
            converted.clear();
            ascii.decode(data, converted);
            converted.flip();
            writeFully(converted);
        }
        if (last) {
            converted.clear();
            while (!ascii.finish(converted)) {
                converted.flip();
                writeFully(converted);
                converted.clear();
            }
            converted.flip();
            writeFully(converted);
        }
    }

    private void writeFully(ByteBuffer b) throws LocalFileException {
        if (quota != null && b.hasRemaining()) {
            try {
                quota.beforeWrite(b.remaining());
            } catch (QuotaCharge.QuotaExceededException e) {
                throw LocalFileException.overLimit(e.getMessage());
            }
        }
        if (remote != null) {
            remote.write(b);
            return;
        }
        try {
            while (b.hasRemaining()) {
                file.write(b);
            }
        } catch (IOException e) {
            throw new LocalFileException(e);
        }
    }

    /** The last byte is written: commit here, or on the worker pool and end when it posts back. */
    private void finish() throws LocalFileException {
        if (remote != null) {
            endPoint.readInterest(false); // the client's FIN is read; nothing more comes
            committing = true;
            remote.finish(() -> {
                commit();
                return null;
            }, failure -> {
                committing = false;
                if (failure != null) {
                    discardOnStore();
                }
                end(failure);
            });
            return;
        }
        if (committer == null || temporary == null) {
            commit(); // a resumed upload's close is cheap: no rename
            end(null);
            return;
        }
        endPoint.readInterest(false); // the client's FIN is read; nothing more comes
        committing = true;
        try {
            committer.execute(new Commit(this, endPoint.loop()));
        } catch (RejectedExecutionException busy) {
            committing = false;
            commit(); // the pool is full: on the loop, as without one
            end(null);
        }
    }

    /**
     * The close and rename of a finished upload, on a worker; the transfer ends
     * on its loop afterwards. A named class so that a server shutting down can
     * tell it from other queued work and still run it: the upload has fully
     * arrived, it must not be left as a hidden temporary file.
     */
    public static final class Commit implements Runnable {
        private final Upload upload;
        private final EventLoop loop;

        Commit(Upload upload, EventLoop loop) {
            this.upload = upload;
            this.loop = loop;
        }

        @Override
        public void run() {
            LocalFileException failure = null;
            try {
                upload.commit();
            } catch (LocalFileException e) {
                failure = e;
                upload.discardTemporary();
            }
            LocalFileException f = failure;
            loop.execute(() -> {
                upload.committing = false;
                upload.end(f); // no-op if ABOR or the session's close ended it meanwhile: the file has landed
            });
        }
    }

    /** The last byte is written: close the file and, for a new file, move it into place. */
    private void commit() throws LocalFileException {
        try {
            file.close();
            if (temporary != null && !temporary.equals(target)) {
                try {
                    Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException | UnsupportedOperationException e) {
                    Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            complete = true;
            if (quota != null) {
                quota.committed();
            }
        } catch (IOException e) {
            throw new LocalFileException(e);
        }
    }

    @Override
    public void release() {
        if (inflater != null) {
            inflater.end();
        }
        if (committing) {
            return; // a worker is closing and renaming: the file and the temporary are its
        }
        if (remote != null) {
            discardOnStore();
            return;
        }
        if (!complete && quota != null) {
            quota.abandoned(file);
        }
        try {
            file.close();
        } catch (IOException ignored) {
            // reported as a failed transfer by whoever saw the write fail
        }
        if (!complete) {
            discardTemporary();
        }
    }

    /** Closes the file and, unless it landed, removes the temporary: on the pool, after any write in flight. */
    private void discardOnStore() {
        remote.abort(() -> {
            if (!complete && quota != null) {
                quota.abandoned(file); // on the pool: an APPE cut back is a store call
            }
            try {
                file.close();
            } catch (IOException | RuntimeException ignored) {
                // the transfer has failed already; nothing more to report
            }
            if (!complete) {
                discardTemporary();
                if (createdTarget) {
                    try {
                        Files.deleteIfExists(target); // what a failed upload wrote must not stay as a new file
                    } catch (IOException | RuntimeException ignored) {
                        // nothing more to do
                    }
                }
            }
        });
    }

    private void discardTemporary() {
        if (temporary != null) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException | RuntimeException ignored) {
                // nothing more to do
            }
        }
    }

    @Override
    public String describe() {
        return description;
    }
}

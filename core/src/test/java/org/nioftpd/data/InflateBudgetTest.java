package org.nioftpd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.transport.EndPoint;

/**
 * Issue 19, item 2: the fairness budget of a MODE Z upload counts what it
 * writes, not only what it reads. A zlib stream of 64 MiB of zeros is 65 KB:
 * one read, so before the fix one turn of the loop wrote all 64 MiB while
 * every other session of the loop waited. A probe task re-queued every turn
 * (as another session's NOOP would be served) counts the bytes the upload
 * wrote between two of its runs: at most one budget (1 MiB) and one inflate
 * buffer more, for both the read and the continuation. Checked against the
 * code before the fix: 64 MiB in one turn.
 */
@Timeout(60)
class InflateBudgetTest {

    @TempDir
    Path dir;

    /** A data connection that holds {@code data} and then the client's end of stream, always ready. */
    static final class FakeEndPoint implements EndPoint {
        private final EventLoop loop;
        private final ByteBuffer data;
        private Handler handler;
        private boolean reading;
        private boolean open = true;

        FakeEndPoint(EventLoop loop, byte[] data) {
            this.loop = loop;
            this.data = ByteBuffer.wrap(data);
        }

        @Override
        public EventLoop loop() {
            return loop;
        }

        @Override
        public void handler(Handler h) {
            this.handler = h;
        }

        @Override
        public int fill(ByteBuffer dst) {
            if (!data.hasRemaining()) {
                return -1;
            }
            int n = Math.min(dst.remaining(), data.remaining());
            ByteBuffer slice = data.slice().limit(n);
            dst.put(slice);
            data.position(data.position() + n);
            return n;
        }

        @Override
        public int flush(ByteBuffer src) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long transferFrom(FileChannel file, long position, long count) {
            throw new UnsupportedOperationException();
        }

        /** Like a selector: while interested, the socket (data or end of stream) is ready once per turn. */
        @Override
        public void readInterest(boolean on) {
            boolean was = reading;
            reading = on;
            if (on && !was) {
                loop.execute(this::ready);
            }
        }

        private void ready() {
            if (!reading || !open) {
                return;
            }
            try {
                handler.onReadable();
            } catch (IOException e) {
                handler.onFailure(e);
            }
            if (reading && open) {
                loop.execute(this::ready);
            }
        }

        @Override
        public void writeInterest(boolean on) {
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public boolean isOpen() {
            return open;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress(0);
        }

        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress(0);
        }

        @Override
        public void close() {
            open = false;
        }
    }

    /** Counts the bytes written through it (a closed FileChannel has no size to ask). */
    static final class CountingChannel extends FileChannel {
        private final FileChannel file;
        private final AtomicLong written;

        CountingChannel(FileChannel file, AtomicLong written) {
            this.file = file;
            this.written = written;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = file.write(src);
            written.addAndGet(n);
            return n;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return file.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return file.read(dsts, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() throws IOException {
            return file.position();
        }

        @Override
        public FileChannel position(long p) throws IOException {
            file.position(p);
            return this;
        }

        @Override
        public long size() throws IOException {
            return file.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            file.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            file.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, java.nio.channels.WritableByteChannel target)
                throws IOException {
            return file.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(java.nio.channels.ReadableByteChannel src, long position, long count)
                throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return file.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.nio.MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            return file.map(mode, position, size);
        }

        @Override
        public java.nio.channels.FileLock lock(long position, long size, boolean shared) throws IOException {
            return file.lock(position, size, shared);
        }

        @Override
        public java.nio.channels.FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            file.close();
        }
    }

    @Test
    void aTurnWritesAboutOneBudgetWhateverTheCompressionRatio() throws Exception {
        long size = 64L << 20;
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (OutputStream out = new DeflaterOutputStream(z, new Deflater(Deflater.BEST_COMPRESSION))) {
            byte[] block = new byte[1 << 16];
            for (long left = size; left > 0; left -= block.length) {
                out.write(block);
            }
        }
        Path target = dir.resolve("out.bin");
        AtomicLong written = new AtomicLong();
        FileChannel file = new CountingChannel(
                FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE), written);
        EventLoop loop = new EventLoop("inflate-test");
        loop.start();
        try {
            AtomicLong turns = new AtomicLong();
            AtomicLong mostPerTurn = new AtomicLong();
            CompletableFuture<IOException> ended = new CompletableFuture<>();
            AtomicLong last = new AtomicLong();
            Runnable measure = () -> {
                long now = written.get();
                mostPerTurn.accumulateAndGet(now - last.getAndSet(now), Math::max);
            };
            Runnable probe = new Runnable() {
                @Override
                public void run() {
                    if (!ended.isDone()) {
                        measure.run();
                        turns.incrementAndGet();
                        loop.execute(this);
                    }
                }
            };
            loop.execute(() -> {
                Upload upload = new Upload("STOR /out.bin", file, new Inflater(), null, null, target);
                loop.execute(probe);
                upload.start(new FakeEndPoint(loop, z.toByteArray()), (t, failure) -> {
                    measure.run(); // what the last turn wrote
                    ended.complete(failure);
                });
            });
            assertNull(ended.get(30, TimeUnit.SECONDS));
            assertEquals(size, Files.size(target));
            long oneTurn = Transfer.BUDGET_PER_WAKEUP + (64 << 10);
            assertEquals(size, written.get());
            assertTrue(mostPerTurn.get() <= 2 * oneTurn, "one turn wrote " + mostPerTurn.get() + " bytes");
            assertTrue(turns.get() >= size / (2 * oneTurn), "the other work ran only " + turns.get() + " times");
        } finally {
            loop.shutdown();
            loop.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}

package org.nioftpd.bench.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.nioftpd.bench.Fixtures;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The machine's ceiling for RETR: the same 64 MiB page-cached file sent with
 * {@link FileChannel#transferTo} (sendfile) down a loopback socket, drained
 * by a reader thread into a 1 MiB direct buffer until the end of stream,
 * exactly as the benchmark client drains a data connection. Each operation
 * has a new connection, as each RETR has. No FTP: whatever RETR costs beyond
 * this is the protocol and the server. Score: files/s; {@code megabytes}: MB/s.
 *
 * <p>{@code chunk} is how many bytes each {@code transferTo} call asks for:
 * {@code whole} (the rest of the file in one call) or a size in bytes
 * (nioftpd asks for 48 KiB a call, see {@code Download.SENDFILE_CHUNK}). On
 * loopback the size of the call changes the rate by up to 2x, so the ceiling
 * is the best of the four. {@code sender} is {@code blocking} (a thread per
 * transfer) or {@code selector} (a non-blocking socket that waits for room
 * in a {@link Selector}, as an event loop does).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@State(Scope.Benchmark)
public class CeilingBench {

    @Param({"whole", "49152"})
    public String chunk;

    @Param({"blocking", "selector"})
    public String sender;

    /** TCP_NODELAY on the sending socket ({@code true}, as nioftpd's data connections have it) or Nagle's algorithm. */
    @Param({"true", "false"})
    public boolean nodelay;

    private long perCall;
    private ServerSocketChannel listener;
    private FileChannel file;
    private Thread reader;
    /** A permit per connection the reader has drained to its end. */
    private final Semaphore drained = new Semaphore(0);

    @Setup(Level.Trial)
    public void open() throws IOException {
        perCall = chunk.equals("whole") ? Long.MAX_VALUE : Long.parseLong(chunk);
        file = FileChannel.open(Fixtures.ensure(Fixtures.defaultRoot()).resolve(Fixtures.BIG));
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        reader = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            try {
                while (true) {
                    try (SocketChannel in = listener.accept()) {
                        while (in.read(b) >= 0) {
                            b.clear();
                        }
                    }
                    drained.release();
                }
            } catch (IOException ignored) {
                // the listener closed: done
            }
        }, "ceiling-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, InterruptedException {
        listener.close();
        reader.join(5_000);
        file.close();
    }

    @Benchmark
    public long transferTo64m(Bytes bytes) throws IOException, InterruptedException {
        long size = file.size();
        long pos = 0;
        try (SocketChannel out = SocketChannel.open(listener.getLocalAddress());
             Selector selector = sender.equals("selector") ? Selector.open() : null) {
            out.setOption(StandardSocketOptions.TCP_NODELAY, nodelay);
            if (selector != null) {
                out.configureBlocking(false);
                out.register(selector, SelectionKey.OP_WRITE);
            }
            while (pos < size) {
                long n = file.transferTo(pos, Math.min(size - pos, perCall), out);
                if (n == 0 && selector != null) {
                    selector.select(); // the socket is full: wait for room, as a loop does
                    selector.selectedKeys().clear();
                }
                pos += n;
            }
        }
        drained.acquire(); // the reader has seen the end of stream, as the FTP client waits for it
        bytes.add(size);
        return pos;
    }
}

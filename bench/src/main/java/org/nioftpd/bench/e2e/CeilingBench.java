package org.nioftpd.bench.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.nioftpd.bench.Fixtures;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The machine's ceiling for RETR: the same 64 MiB page-cached file sent with
 * {@link FileChannel#transferTo} (sendfile) down one already-open loopback
 * socket, drained by a reader thread into a 1 MiB direct buffer, exactly as
 * the benchmark client drains a data connection. No FTP, no connect, no
 * close: whatever RETR costs beyond this is the protocol and the server.
 * Score: files/s; {@code megabytes}: MB/s.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@State(Scope.Benchmark)
public class CeilingBench {

    private ServerSocketChannel listener;
    private SocketChannel sender;
    private FileChannel file;
    private Thread reader;

    @Setup(Level.Trial)
    public void open() throws IOException {
        file = FileChannel.open(Fixtures.ensure(Fixtures.defaultRoot()).resolve(Fixtures.BIG));
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        sender = SocketChannel.open(listener.getLocalAddress());
        SocketChannel receiver = listener.accept();
        reader = new Thread(() -> {
            ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
            try (receiver) {
                while (receiver.read(b) >= 0) {
                    b.clear();
                }
            } catch (IOException ignored) {
                // the sender closed: done
            }
        }, "ceiling-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, InterruptedException {
        sender.close();
        reader.join(5_000);
        listener.close();
        file.close();
    }

    @Benchmark
    public long transferTo64m(Bytes bytes) throws IOException {
        long size = file.size();
        long pos = 0;
        while (pos < size) {
            pos += file.transferTo(pos, size - pos, sender);
        }
        bytes.add(size);
        return pos;
    }
}

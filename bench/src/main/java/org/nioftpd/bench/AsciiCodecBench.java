package org.nioftpd.bench;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.nioftpd.data.AsciiCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * TYPE A conversion speed over 1 MiB of text with lines of about 60 bytes.
 * Throughput is in MiB/s: one operation converts 1 MiB.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AsciiCodecBench {

    private static final int SIZE = 1 << 20;

    private ByteBuffer text;
    private ByteBuffer wire;
    private ByteBuffer out;

    @Setup
    public void setup() {
        Random random = new Random(42);
        byte[] t = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            t[i] = random.nextInt(60) == 0 ? (byte) '\n' : (byte) ('a' + random.nextInt(26));
        }
        text = ByteBuffer.wrap(t);
        ByteBuffer w = ByteBuffer.allocate(SIZE * 2);
        new AsciiCodec.Encoder().encode(text, w);
        w.flip();
        wire = w;
        out = ByteBuffer.allocate(64 * 1024);
    }

    /** File to wire: LF to CRLF, through a 64 KiB buffer as a download does. */
    @Benchmark
    public int encode() {
        AsciiCodec.Encoder encoder = new AsciiCodec.Encoder();
        text.rewind();
        int total = 0;
        while (text.hasRemaining()) {
            out.clear();
            encoder.encode(text, out);
            total += out.position();
        }
        return total;
    }

    /** Wire to file: CRLF to LF, through a 64 KiB buffer as an upload does. */
    @Benchmark
    public int decode() {
        AsciiCodec.Decoder decoder = new AsciiCodec.Decoder("\n");
        wire.rewind();
        int total = 0;
        while (wire.hasRemaining()) {
            out.clear();
            decoder.decode(wire, out);
            total += out.position();
        }
        return total;
    }
}

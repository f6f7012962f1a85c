package org.nioftpd.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.nioftpd.protocol.LineDecoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/** Control-line decoding: a pipelined burst of typical commands, decoded line by line. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LineDecoderBench {

    private static final String BURST = "USER anonymous\r\nPASS guest@example\r\nTYPE I\r\nPASV\r\n"
            + "RETR some/directory/file-0001.bin\r\nNOOP\r\nCWD /pub/releases/2026\r\nQUIT\r\n";

    private final LineDecoder decoder = new LineDecoder(4096);
    private ByteBuffer input;

    @Setup
    public void setup() {
        input = ByteBuffer.wrap(BURST.getBytes(StandardCharsets.US_ASCII));
    }

    /** Lines per second: 8 lines per call. */
    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(8)
    public void decodeBurst(Blackhole bh) {
        input.rewind();
        String line;
        while ((line = decoder.decode(input)) != null) {
            bh.consume(line);
        }
    }
}

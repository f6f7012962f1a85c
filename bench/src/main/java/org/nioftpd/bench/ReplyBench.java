package org.nioftpd.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nioftpd.protocol.Reply;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Reply encoding: the single-line replies of every transfer, and a FEAT-sized multi-line one. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReplyBench {

    private final List<String> features = List.of("EPRT", "EPSV", "REST STREAM", "MLST type*;size*;modify*;",
            "SIZE", "MDTM", "UTF8", "TVFS");

    @Benchmark
    public byte[] singleLine() {
        return Reply.encode(226, "Transfer complete.");
    }

    @Benchmark
    public byte[] multiLine() {
        return Reply.encode(211, "Features:", features, "End");
    }
}

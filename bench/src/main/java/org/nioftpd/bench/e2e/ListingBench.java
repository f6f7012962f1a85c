package org.nioftpd.bench.e2e;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.nioftpd.bench.Fixtures;
import org.nioftpd.bench.client.FastFtpClient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/** LIST and MLSD of a 10,000-entry directory, one session. Score: listings/s; {@code megabytes}: MB/s of listing text. */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class ListingBench {

    private static final byte[] LIST = FastFtpClient.encode("LIST " + Fixtures.DIR);
    private static final byte[] MLSD = FastFtpClient.encode("MLSD " + Fixtures.DIR);

    @Benchmark
    public long list10k(ServerState server, Session s, Bytes bytes) throws IOException {
        return check(s.client.list(LIST), bytes);
    }

    @Benchmark
    public long mlsd10k(ServerState server, Session s, Bytes bytes) throws IOException {
        return check(s.client.list(MLSD), bytes);
    }

    private static long check(long n, Bytes bytes) throws IOException {
        // at least "name\r\n" per entry: a listing cut short must not pass for a fast one
        if (n < Fixtures.DIR_ENTRIES * 8L) {
            throw new IOException("short listing: " + n + " bytes");
        }
        bytes.add(n);
        return n;
    }
}

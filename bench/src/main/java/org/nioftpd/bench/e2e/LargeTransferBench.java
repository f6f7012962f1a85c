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

/**
 * One 64 MiB file down (RETR, page-cached) and up (STOR) per operation, one
 * session, over loopback, each with its own PASV data connection. The score
 * is transfers/s; the {@code megabytes} counter is MB/s (score × 67.108864).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class LargeTransferBench {

    private static final byte[] RETR = FastFtpClient.encode("RETR " + Fixtures.BIG);
    private static final byte[] STOR = FastFtpClient.encode("STOR " + Fixtures.UPLOAD + "/jmh-stor.bin");

    @Benchmark
    public long retr64m(ServerState server, Session s, Bytes bytes) throws IOException {
        long n = s.client.retr(RETR);
        if (n != Fixtures.BIG_SIZE) {
            throw new IOException("short RETR: " + n);
        }
        bytes.add(n);
        return n;
    }

    @Benchmark
    public long stor64m(ServerState server, Session s, Bytes bytes) throws IOException {
        long n = s.client.stor(STOR, Fixtures.BIG_SIZE);
        bytes.add(n);
        return n;
    }
}

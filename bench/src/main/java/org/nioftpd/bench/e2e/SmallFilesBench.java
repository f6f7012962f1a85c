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
 * A 4 KiB RETR per operation, each with its own PASV and data connection
 * (PASV, connect, RETR, 150, data, FIN, 226): the per-file cost, which small
 * files are all about. Score: files/s, over 1 and 16 sessions.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SmallFilesBench {

    private static final byte[] RETR = FastFtpClient.encode("RETR " + Fixtures.SMALL);

    @Benchmark
    @Threads(1)
    public long retr4k1session(ServerState server, Session s) throws IOException {
        return retr(s);
    }

    @Benchmark
    @Threads(16)
    public long retr4k16sessions(ServerState server, Session s) throws IOException {
        return retr(s);
    }

    private static long retr(Session s) throws IOException {
        long n = s.client.retr(RETR);
        if (n != Fixtures.SMALL_SIZE) {
            throw new IOException("short RETR: " + n);
        }
        return n;
    }
}

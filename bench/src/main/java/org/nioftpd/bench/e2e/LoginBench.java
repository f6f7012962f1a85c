package org.nioftpd.bench.e2e;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.nioftpd.bench.EmbeddedServer;
import org.nioftpd.bench.client.FastFtpClient;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * Session rate: connect, 220, USER, 331, PASS, 230, QUIT, 221, server's
 * close. Score: sessions/s with 1 and 64 clients at once.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LoginBench {

    @Benchmark
    @Threads(1)
    public void login1client(ServerState server) throws IOException {
        cycle(server);
    }

    @Benchmark
    @Threads(64)
    public void login64clients(ServerState server) throws IOException {
        cycle(server);
    }

    private static void cycle(ServerState server) throws IOException {
        FastFtpClient c = FastFtpClient.connect("127.0.0.1", server.port());
        try {
            c.login(EmbeddedServer.USER, EmbeddedServer.PASSWORD);
        } catch (IOException e) {
            c.close();
            throw e;
        }
        c.quit();
    }
}

package org.nioftpd.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;
import org.nioftpd.bench.EmbeddedServer;
import org.nioftpd.bench.Fixtures;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The server under test, shared by every benchmark thread of a trial: an
 * embedded nioftpd or Apache FtpServer on 127.0.0.1, serving {@link Fixtures}.
 */
@State(Scope.Benchmark)
public class ServerState {

    /** Which server: nioftpd, or Apache FtpServer 1.2 (MINA) as the Java peer. */
    @Param({"nioftpd", "apache"})
    public String server;

    /** nioftpd's event loops; {@code -p loops=1,2} shows how it scales. Apache FtpServer ignores it. */
    @Param({"2"})
    public int loops;

    /**
     * Passive ports of both servers: a range, as every production setup (and
     * bench/peers.sh) has; {@code -p passivePorts=any} leaves each server its
     * built-in default instead (nioftpd: a random port of 49152-65535 bound
     * explicitly; Apache FtpServer: port 0, which the kernel's search for a
     * free port makes slow under load, see BENCHMARKS.md).
     */
    @Param({"10000-19999"})
    public String passivePorts;

    public Path root;
    public EmbeddedServer running;

    @Setup(Level.Trial)
    public void start() throws IOException {
        root = Fixtures.ensure(Fixtures.defaultRoot());
        running = EmbeddedServer.start(server, root, 0, loops, passivePorts.equals("any") ? null : passivePorts);
    }

    @TearDown(Level.Trial)
    public void stop() {
        running.close();
    }

    public int port() {
        return running.port();
    }
}

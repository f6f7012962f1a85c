package org.nioftpd.bench.e2e;

import java.io.IOException;
import org.nioftpd.bench.EmbeddedServer;
import org.nioftpd.bench.client.FastFtpClient;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** One logged-in control connection per benchmark thread, TYPE I, kept for the whole trial. */
@State(Scope.Thread)
public class Session {

    public FastFtpClient client;

    @Setup(Level.Trial)
    public void login(ServerState s) throws IOException {
        client = FastFtpClient.connect("127.0.0.1", s.port()).login(EmbeddedServer.USER, EmbeddedServer.PASSWORD).binary();
    }

    @TearDown(Level.Trial)
    public void quit() {
        try {
            client.quit();
        } catch (IOException e) {
            // JMH may have stopped the server already (teardown order across scopes is not promised)
        }
    }
}

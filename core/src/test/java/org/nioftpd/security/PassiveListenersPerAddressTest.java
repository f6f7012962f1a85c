package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.FtpServer;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.TestServer;

/**
 * Issue 19, item 6: with {@code --passive-ports 40000-40100}, three addresses
 * of 50 sessions each held all 101 ports and everyone else got 425. Passive
 * listeners are now capped per client address: 127.0.0.2 takes its cap and
 * gets a 425 that says so, with no port bound, while 127.0.0.3 is still
 * served; every way a listener ends gives its count back, once, and then
 * 127.0.0.2 gets ports again. The count is read from the server, never timed.
 */
@Timeout(60)
class PassiveListenersPerAddressTest {

    private static final InetAddress A = Ctl.address("127.0.0.2");
    private static final InetAddress B = Ctl.address("127.0.0.3");
    private static final String OVER = "425 Too many passive connections from your address (2);"
            + " use the ones you opened, or try again later.";

    @TempDir
    Path dir;

    /** A range of 8 ports, at most 2 listeners per address, and {@code more}. */
    private TestServer start(Consumer<FtpServer.Builder> more) throws IOException {
        Files.createDirectories(dir.resolve("root"));
        int low = Ctl.freeRange(8);
        return TestServer.start(dir.resolve("root"), b -> {
            b.passivePorts(low, low + 7).maxPassivePerAddress(2);
            more.accept(b);
        });
    }

    private static Ctl login(TestServer server, InetAddress from) throws IOException {
        Ctl c = Ctl.open(server.port(), from);
        Ctl.expect("220", c.reply());
        c.login("u", "p");
        return c;
    }

    private static void awaitOpen(FtpServer server, int n) {
        Await.until(Duration.ofSeconds(10), n + " passive listeners open, now " + server.passiveListenerCount(),
                () -> server.passiveListenerCount() == n);
    }

    /**
     * The cap, and every way a listener ends but the timeout and the server's
     * close: accepted, replaced by PASV and by PORT, REIN, the session's end.
     */
    @Test
    void anAddressAtItsCapGets425AndAnotherAddressIsStillServed() throws Exception {
        try (TestServer ts = start(b -> { });
             Ctl a1 = login(ts, A); Ctl a2 = login(ts, A); Ctl a3 = login(ts, A); Ctl b1 = login(ts, B)) {
            FtpServer server = ts.server();
            a1.pasv();
            a2.pasv();
            assertEquals(OVER, a3.command("PASV"));
            assertEquals(OVER, a3.command("EPSV"));
            assertEquals(2, server.passiveListenerCount(), "nothing bound for the refused ones");
            b1.pasv(); // another address: still a port
            assertEquals(3, server.passiveListenerCount());

            // A session at the cap may replace its own listener: it takes over its count.
            a1.pasv();
            Ctl.expect("229", a1.command("EPSV"));
            assertEquals(3, server.passiveListenerCount());
            assertEquals(OVER, a3.command("PASV"));

            // Accepted: the listener closes, its count goes back, and 127.0.0.2 may open another.
            int port = a1.pasv();
            try (Socket s = Ctl.data(port, A)) {
                Ctl.expect("1", a1.command("LIST"));
                Ctl.readAll(s);
                Ctl.expect("226", a1.reply());
            }
            awaitOpen(server, 2);
            a3.pasv();
            assertEquals(OVER, a1.command("PASV"));
            assertEquals(3, server.passiveListenerCount());

            // Replaced by PORT, ended by REIN, ended with the session.
            Ctl.expect("200", a3.command("PORT 127,0,0,2,117,48"));
            Ctl.expect("220", a2.command("REIN"));
            Ctl.expect("221", b1.command("QUIT"));
            awaitOpen(server, 0);

            // 127.0.0.2 gets ports again, up to its cap.
            a1.pasv();
            try (Ctl a4 = login(ts, A)) {
                a4.pasv();
                assertEquals(OVER, a3.command("EPSV"));
                assertEquals(2, server.passiveListenerCount());
            }
            awaitOpen(server, 1);
        }
    }

    /**
     * Listeners nobody connects to close after the accept timeout, and their
     * counts go back. (2 s: the three commands before it must not see it.)
     */
    @Test
    void timedOutListenersGiveTheirCountBack() throws Exception {
        try (TestServer ts = start(b -> b.acceptTimeout(Duration.ofSeconds(2)));
             Ctl a1 = login(ts, A); Ctl a2 = login(ts, A); Ctl a3 = login(ts, A)) {
            FtpServer server = ts.server();
            a1.pasv();
            a2.pasv();
            assertEquals(OVER, a3.command("PASV"));
            awaitOpen(server, 0);
            a3.pasv();
            a1.pasv();
        }
    }

    /** The client closing its control connection, and the server closing, end every listener's count. */
    @Test
    void closedSessionsAndAClosedServerLeaveNoCount() throws Exception {
        try (TestServer ts = start(b -> { })) {
            FtpServer server = ts.server();
            try (Ctl a1 = login(ts, A); Ctl b1 = login(ts, B)) {
                a1.pasv();
                b1.pasv();
                assertEquals(2, server.passiveListenerCount());
                a1.reset(); // a TCP reset, no QUIT
                awaitOpen(server, 1);
                try (Ctl a2 = login(ts, A); Ctl a3 = login(ts, A)) {
                    a2.pasv();
                    a3.pasv();
                    assertEquals(3, server.passiveListenerCount());
                    server.close(); // ends the sessions that hold them (TestServer closes it again: a no-op)
                    assertEquals(0, server.passiveListenerCount());
                }
            }
        }
    }
}

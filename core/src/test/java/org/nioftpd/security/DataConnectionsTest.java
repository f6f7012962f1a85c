package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.TestServer;

/**
 * Issue 4, item 4: data connections (RFC 2577 sections 3 and 4). PORT and
 * EPRT may only name the client's own address and an unprivileged port
 * (the bounce attack); a passive connection from another address is refused
 * (data theft); passive ports are random; a session holds at most one
 * passive listener; a full port range is a clear 425, not a stuck server.
 */
@Timeout(60)
class DataConnectionsTest {

    @TempDir
    Path dir;

    private static String port(String h, int port) {
        return "PORT " + h.replace('.', ',') + "," + (port >> 8) + "," + (port & 0xff);
    }

    /**
     * PORT or EPRT to 127.0.0.2 (another host, for the server) is refused
     * with 504 at once; a listener there sees no connection, not even after
     * a transfer command. Without the check in TransferCommands.setActive
     * the reply would be 200 and LIST would connect to it: a bounce.
     */
    @Test
    void portToAnotherAddressIsRefusedBeforeConnecting() throws Exception {
        try (TestServer server = TestServer.start(dir);
             ServerSocket victim = new ServerSocket();
             Ctl c = Ctl.login(server.port(), "u", "p")) {
            victim.bind(new InetSocketAddress(Ctl.OTHER, 0));
            int p = victim.getLocalPort();
            assertEquals("504 Refused: the data address must be the client's own.", c.command(port("127.0.0.2", p)));
            assertEquals("504 Refused: the data address must be the client's own.", c.command("EPRT |1|127.0.0.2|" + p + "|"));
            Ctl.expect("504", c.command("EPRT |2|::1|" + p + "|")); // ::1 is not the client's 127.0.0.1
            Ctl.expect("504", c.command("EPRT !1!10.0.0.1!" + p + "!"));
            Ctl.expect("425", c.command("LIST"));                    // nothing was set up
            victim.setSoTimeout(500);
            assertThrows(SocketTimeoutException.class, victim::accept, "the server connected to the victim");
        }
    }

    /** Privileged ports are refused even on the client's own address; 1024 is fine. */
    @Test
    void portBelow1024IsRefused() throws Exception {
        try (TestServer server = TestServer.start(dir); Ctl c = Ctl.login(server.port(), "u", "p")) {
            assertEquals("504 Refused: the data port must be 1024 or above.", c.command(port("127.0.0.1", 21)));
            assertEquals("504 Refused: the data port must be 1024 or above.", c.command(port("127.0.0.1", 1023)));
            Ctl.expect("504", c.command("EPRT |1|127.0.0.1|80|"));
            Ctl.expect("504", c.command("EPRT |1|127.0.0.1|25|"));
            Ctl.expect("200", c.command(port("127.0.0.1", 1024)));
            Ctl.expect("200", c.command("EPRT |1|127.0.0.1|1024|"));
        }
    }

    /** allowForeignDataAddress(true) is the switch for site-to-site (FXP): then the same PORT works. */
    @Test
    void foreignAddressAllowedWhenConfigured() throws Exception {
        Files.writeString(dir.resolve("f.txt"), "fxp");
        try (TestServer server = TestServer.start(dir, b -> b.allowForeignDataAddress(true));
             ServerSocket other = new ServerSocket();
             Ctl c = Ctl.login(server.port(), "u", "p")) {
            other.bind(new InetSocketAddress(Ctl.OTHER, 0));
            other.setSoTimeout(10_000);
            Ctl.expect("200", c.command(port("127.0.0.2", other.getLocalPort())));
            Ctl.expect("150", c.command("RETR f.txt"));
            try (Socket s = other.accept()) {
                assertEquals("fxp", new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
            Ctl.expect("226", c.reply());
            Ctl.expect("200", c.command(port("127.0.0.1", 80))); // and privileged ports: the switch is all or nothing
        }
    }

    /**
     * A connection to the passive port from another address is closed
     * without a byte, whether it comes before or after the transfer command,
     * and the client's own connection is still accepted. Without
     * DataConnections.acceptable the thief would get the listing.
     */
    @Test
    void passiveConnectionFromAnotherAddressIsRefused() throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "not for thieves");
        try (TestServer server = TestServer.start(dir); Ctl c = Ctl.login(server.port(), "u", "p")) {
            // The thief first, before the command.
            int port = c.pasv();
            try (Socket thief = Ctl.data(port, Ctl.OTHER)) {
                assertRefused(thief);
            }
            Socket mine = Ctl.data(port);
            Ctl.expect("1", c.command("RETR secret.txt"));
            assertEquals("not for thieves", new String(Ctl.readAll(mine), StandardCharsets.UTF_8));
            Ctl.expect("226", c.reply());

            // The command first, then the thief, then the client.
            port = c.pasv();
            Ctl.expect("150", c.command("RETR secret.txt"));
            try (Socket thief = Ctl.data(port, Ctl.OTHER)) {
                assertRefused(thief);
            }
            assertEquals("not for thieves", new String(Ctl.readAll(Ctl.data(port)), StandardCharsets.UTF_8));
            Ctl.expect("226", c.reply());
        }
    }

    private static void assertRefused(Socket thief) throws IOException {
        thief.setSoTimeout(5_000);
        int first;
        try {
            first = thief.getInputStream().read();
        } catch (SocketException reset) {
            first = -1;
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the connection from another address is still open");
        }
        assertEquals(-1, first, "the connection from another address got data");
    }

    /**
     * 20 PASVs in a range of 100 ports: all in the range, at least 5
     * distinct, and not a sequence. A server that scanned from the low end
     * would give the same port 20 times (each PASV frees the last one).
     */
    @Test
    void passivePortsAreRandomInTheRange() throws Exception {
        int low = Ctl.freeRange(100);
        int high = low + 99;
        try (TestServer server = TestServer.start(dir, b -> b.passivePorts(low, high));
             Ctl c = Ctl.login(server.port(), "u", "p")) {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int p = c.pasv();
                assertTrue(p >= low && p <= high, p + " outside " + low + "-" + high);
                ports.add(p);
            }
            Set<Integer> distinct = new TreeSet<>(ports);
            assertTrue(distinct.size() >= 5, "too few distinct ports: " + ports);
            boolean sequential = true;
            for (int i = 1; i < ports.size(); i++) {
                sequential &= ports.get(i) == ports.get(i - 1) + 1;
            }
            assertTrue(!sequential, "sequential: " + ports);
        }
    }

    /**
     * A second PASV closes the first listener: a session never holds more
     * than one port. Were the first one left open, the connect would succeed.
     */
    @Test
    void atMostOnePassiveListenerPerSession() throws Exception {
        try (TestServer server = TestServer.start(dir); Ctl c = Ctl.login(server.port(), "u", "p")) {
            int first = c.pasv();
            int second = c.pasv();
            for (int i = 0; i < 10 && second == first; i++) {
                second = c.pasv(); // the kernel may hand out the same free port again: ask until it differs
            }
            assertNotEquals(first, second);
            Ctl.awaitRefused(first);
            try (Socket s = Ctl.data(second)) {
                Ctl.expect("1", c.command("LIST"));
                Ctl.readAll(s);
                Ctl.expect("226", c.reply());
            }
            // EPSV replaces a PASV listener the same way.
            int pasv = c.pasv();
            String r = c.command("EPSV");
            Ctl.expect("229", r);
            int epsv = Integer.parseInt(r.replaceAll(".*\\|\\|\\|(\\d+)\\|.*", "$1"));
            if (epsv != pasv) {
                Ctl.awaitRefused(pasv);
            }
        }
    }

    /**
     * A range of 2 ports held by 2 sessions: the third gets a clear 425,
     * everyone else is still served, and a port freed by a quit is used again.
     */
    @Test
    void exhaustedRangeIsAClear425() throws Exception {
        int low = Ctl.freeRange(2);
        try (TestServer server = TestServer.start(dir, b -> b.passivePorts(low, low + 1))) {
            Ctl a = Ctl.login(server.port(), "u", "p");
            Ctl b = Ctl.login(server.port(), "u", "p");
            Ctl c = Ctl.login(server.port(), "u", "p");
            a.pasv();
            b.pasv();
            assertEquals("425 Can't open passive connection: no free passive port in " + low + "-" + (low + 1) + ".",
                    c.command("PASV"));
            Ctl.expect("425", c.command("EPSV"));
            Ctl.expect("200", c.command("NOOP"));
            try (Ctl d = Ctl.login(server.port(), "ro", "p")) {
                Ctl.expect("257", d.command("PWD"));
            }
            Ctl.expect("221", a.command("QUIT"));
            Await.until(Duration.ofSeconds(10), "the quitter's port to be free", () -> {
                try {
                    return c.command("PASV").startsWith("227");
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            });
            a.close();
            b.close();
            c.close();
        }
    }

    /**
     * Regression: with every other port of the range taken, a session that
     * sent PASV again got 425 every other time, because its own listener,
     * just closed, keeps its port until the loop next selects. Now it is
     * offered its own port again, and still holds only one.
     */
    @Test
    void pasvAgainInAFullRangeKeepsTheSessionsOwnPort() throws Exception {
        int low = Ctl.freeRange(2);
        try (TestServer server = TestServer.start(dir, b -> b.passivePorts(low, low + 1));
             Ctl other = Ctl.login(server.port(), "u", "p");
             Ctl c = Ctl.login(server.port(), "u", "p")) {
            int taken = other.pasv();
            int mine = c.pasv();
            assertNotEquals(taken, mine);
            for (int i = 0; i < 6; i++) {
                assertEquals(mine, c.pasv(), "PASV number " + (i + 2));
            }
            try (Socket s = Ctl.data(mine)) {
                Ctl.expect("1", c.command("LIST"));
                Ctl.readAll(s);
                Ctl.expect("226", c.reply());
            }
        }
    }
}

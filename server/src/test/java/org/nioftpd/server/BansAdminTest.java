package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.testing.RawClient;

/**
 * Manual bans through a running daemon (issue 15 item 3): {@code nioftpd ban}
 * ends the sessions of a network and refuses its new connections,
 * {@code nioftpd bans} lists it, {@code nioftpd unban} lifts it; the same
 * through the {@code org.nioftpd:type=Bans} MBean. Clients come from
 * 127.0.0.2, so the test's own 127.0.0.1 stays unbanned throughout.
 */
@Timeout(60)
class BansAdminTest extends DaemonTestBase {

    private static final InetAddress OTHER = address(127, 0, 0, 2);

    record Cli(int status, String out, String err) {
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static RawClient from(InetAddress local, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(local, 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        s.setSoTimeout(15_000);
        return new RawClient(s);
    }

    /** The first reply of a new connection from {@code local}: 220, or 421, or null for a close. */
    private static String greeting(InetAddress local, int port) throws IOException {
        try (RawClient c = from(local, port)) {
            return c.reply();
        } catch (java.net.SocketException e) {
            return null; // reset before a byte
        }
    }

    @Test
    void banEndsTheNetworksSessionsRefusesItAndUnbanLiftsIt() throws Exception {
        Daemon d = start("--metrics-listen", "127.0.0.1:0", "--user", "alice:pw");
        int port = d.server().port();
        String metrics = "127.0.0.1:" + d.metricsAddress().getPort();
        try (RawClient victim = from(OTHER, port); RawClient bystander = new RawClient(port)) {
            assertTrue(victim.reply().startsWith("220"));
            victim.login("alice", "pw");
            assertTrue(bystander.reply().startsWith("220"));
            bystander.login("alice", "pw");

            Cli ban = cli("ban", "127.0.0.2/32", "--for", "10m", "--reason", "test ban", "--metrics", metrics);
            assertEquals(0, ban.status(), ban.err());
            assertTrue(ban.out().startsWith("banned 127.0.0.2/32 for 600 s"), ban.out());
            assertTrue(victim.reply().startsWith("421"), "the banned network's session is ended");
            assertNull(victim.reply(), "and closed");
            bystander.expect("NOOP", 200); // another network is untouched

            String refused = greeting(OTHER, port);
            assertTrue(refused == null || refused.startsWith("421"), "a new connection is refused: " + refused);

            Cli bans = cli("bans", "--metrics", metrics);
            assertEquals(0, bans.status(), bans.err());
            assertTrue(bans.out().lines().anyMatch(l -> l.startsWith("127.0.0.2/32") && l.contains("manual")
                    && l.contains("test ban")), bans.out());
            Cli json = cli("bans", "--json", "--metrics", metrics);
            assertTrue(json.out().contains("\"network\":\"127.0.0.2/32\"") && json.out().contains("\"manual\":true"),
                    json.out());

            Cli unban = cli("unban", "127.0.0.2", "--metrics", metrics);
            assertEquals(0, unban.status(), unban.err());
            assertTrue(greeting(OTHER, port).startsWith("220"), "unbanned");
            assertEquals("no bans in force\n", cli("bans", "--metrics", metrics).out());
        }
    }

    @Test
    void badNetworksAndDurationsAreRefusedClearly() throws Exception {
        Daemon d = start("--metrics-listen", "127.0.0.1:0", "--user", "alice:pw");
        String metrics = "127.0.0.1:" + d.metricsAddress().getPort();
        Cli bad = cli("ban", "not-a-network", "--metrics", metrics);
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("400"), bad.err());
        Cli hostBits = cli("ban", "10.1.2.3/8", "--metrics", metrics);
        assertEquals(1, hostBits.status(), "host bits set: a likely typo, refused");
        assertEquals(2, cli("ban", "127.0.0.2", "--for", "soon").status());
        assertEquals(2, cli("ban").status());
        assertEquals(2, cli("unban").status());
        assertEquals(2, cli("bans", "--for", "1h").status());
        assertEquals(90, Admin.duration("90"));
        assertEquals(90, Admin.duration("90s"));
        assertEquals(1800, Admin.duration("30m"));
        assertEquals(7 * 86400, Admin.duration("7d"));
        assertThrows(Values.BadValue.class, () -> Admin.duration("0"));
        assertThrows(Values.BadValue.class, () -> Admin.duration("-5m"));
        assertEquals("no bans in force\n", cli("bans", "--metrics", metrics).out());
    }

    @Test
    void theBansMBeanBansAndUnbans() throws Exception {
        Daemon d = start("--metrics-listen", "127.0.0.1:0", "--user", "alice:pw");
        int port = d.server().port();
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName bans = new ObjectName("org.nioftpd:type=Bans");
        mbs.invoke(bans, "ban", new Object[] {"127.0.0.2", 60L, "jmx"},
                new String[] {"java.lang.String", "long", "java.lang.String"});
        String list = (String) mbs.invoke(bans, "list", new Object[0], new String[0]);
        assertTrue(list.contains("\"network\":\"127.0.0.2/32\"") && list.contains("\"reason\":\"jmx\""), list);
        String refused = greeting(OTHER, port);
        assertTrue(refused == null || refused.startsWith("421"), String.valueOf(refused));
        assertEquals(1, mbs.invoke(bans, "unban", new Object[] {"127.0.0.0/8"}, new String[] {"java.lang.String"}));
        assertTrue(greeting(OTHER, port).startsWith("220"));
    }
}

package org.nioftpd.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Issue 15 item 4: PASV announces an address chosen by the client's network,
 * and the client can connect there and transfer; EPSV names no address and is
 * unaffected; behind a PROXY header the proxied client's network decides.
 */
@Timeout(60)
class PassiveAddressByNetworkTest {

    private static final Pattern PASV = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)");

    @TempDir
    Path dir;

    private final byte[] content = "the same file, whichever network asks\n".repeat(500)
            .getBytes(StandardCharsets.US_ASCII);

    private record Passive(String host, int port) {
    }

    private static Passive pasv(RawClient c) throws IOException {
        String r = c.expect("PASV", 227);
        Matcher m = PASV.matcher(r);
        assertTrue(m.find(), r);
        return new Passive(m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4),
                Integer.parseInt(m.group(5)) << 8 | Integer.parseInt(m.group(6)));
    }

    /** A data connection from {@code source} (the data connection must come from the client's address). */
    private static Socket data(String source, String host, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 10_000);
        s.setSoTimeout(20_000);
        return s;
    }

    private byte[] retr(RawClient c, Socket data) throws IOException {
        try (data) {
            c.expect("TYPE I", 200);
            String mark = c.command("RETR f.txt");
            assertTrue(mark.startsWith("150") || mark.startsWith("125"), mark);
            byte[] got = RawClient.readAll(data);
            assertTrue(c.reply().startsWith("226"));
            return got;
        }
    }

    @Test
    void eachClientSeesTheAddressOfItsNetworkAndTransfersThroughIt() throws Exception {
        Files.write(dir.resolve("f.txt"), content);
        try (TestServer server = TestServer.start(dir,
                b -> b.passiveAddresses("127.0.0.2/32=127.0.0.2,0.0.0.0/0=local"))) {
            InetSocketAddress control = server.server().addresses().get(0);
            try (RawClient near = NetworkRulesTest.from("127.0.0.1", control);
                 RawClient far = NetworkRulesTest.from("127.0.0.2", control)) {
                near.reply();
                near.login(TestServer.USER, TestServer.PASSWORD);
                far.reply();
                far.login(TestServer.USER, TestServer.PASSWORD);

                Passive n = pasv(near);
                assertEquals("127.0.0.1", n.host(), "no rule but 0.0.0.0/0=local: the control connection's address");
                assertArrayEquals(content, retr(near, data("127.0.0.1", n.host(), n.port())));

                Passive f = pasv(far);
                assertEquals("127.0.0.2", f.host(), "127.0.0.2/32 is told its own address");
                assertArrayEquals(content, retr(far, data("127.0.0.2", f.host(), f.port())),
                        "and the listener is reachable there");

                // EPSV names no address (RFC 2428): the same for both, and it still works.
                for (RawClient[] pair : new RawClient[][] {{near}, {far}}) {
                    RawClient c = pair[0];
                    String r = c.expect("EPSV", 229);
                    assertTrue(r.matches("229 Entering Extended Passive Mode \\(\\|\\|\\|\\d+\\|\\)\\.?"), r);
                    String source = c == near ? "127.0.0.1" : "127.0.0.2";
                    assertArrayEquals(content, retr(c, data(source, "127.0.0.1", RawClient.parseEpsv(r))));
                }
            }
        }
    }

    @Test
    void theFirstMatchingRuleWinsAndAHostNameIsResolvedOffTheLoop() throws Exception {
        Files.write(dir.resolve("f.txt"), content);
        // 127.0.0.2 matches the /32 first; the /8 rule behind it would say 127.0.0.3.
        try (TestServer server = TestServer.start(dir,
                b -> b.passiveAddresses("127.0.0.2/32=localhost,127.0.0.0/8=127.0.0.3"))) {
            InetSocketAddress control = server.server().addresses().get(0);
            try (RawClient named = NetworkRulesTest.from("127.0.0.2", control);
                 RawClient other = NetworkRulesTest.from("127.0.0.4", control)) {
                named.reply();
                named.login(TestServer.USER, TestServer.PASSWORD);
                other.reply();
                other.login(TestServer.USER, TestServer.PASSWORD);
                Passive p = pasv(named);
                String localhost = java.util.Arrays.stream(InetAddress.getAllByName("localhost"))
                        .filter(a -> a instanceof java.net.Inet4Address).findFirst().orElseThrow().getHostAddress();
                assertEquals(localhost, p.host(), "localhost, resolved (its IPv4 address: PASV has no other)");
                assertArrayEquals(content, retr(named, data("127.0.0.2", p.host(), p.port())));
                Passive q = pasv(other);
                assertEquals("127.0.0.3", q.host());
                assertArrayEquals(content, retr(other, data("127.0.0.4", q.host(), q.port())),
                        "an address of this host is bound, so it is reachable");
            }
        }
    }

    @Test
    void behindProxyProtocolTheProxiedClientsNetworkDecides() throws Exception {
        Files.write(dir.resolve("f.txt"), content);
        try (TestServer server = TestServer.start(dir, b -> b.proxyProtocol(true)
                .passiveAddresses("127.0.0.9/32=127.0.0.2,0.0.0.0/0=local"))) {
            try (RawClient viaProxy = new RawClient(server.port());
                 RawClient otherViaProxy = new RawClient(server.port())) {
                viaProxy.sendRaw("PROXY TCP4 127.0.0.9 127.0.0.1 40000 21\r\n".getBytes(StandardCharsets.US_ASCII));
                viaProxy.reply();
                viaProxy.login(TestServer.USER, TestServer.PASSWORD);
                otherViaProxy.sendRaw("PROXY TCP4 127.0.0.10 127.0.0.1 40001 21\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                otherViaProxy.reply();
                otherViaProxy.login(TestServer.USER, TestServer.PASSWORD);
                Passive p = pasv(viaProxy);
                assertEquals("127.0.0.2", p.host(), "the header's 127.0.0.9 chose the rule, not the socket's peer");
                // The data connection comes through the "proxy" (127.0.0.1): accepted as the client's.
                assertArrayEquals(content, retr(viaProxy, data("127.0.0.1", p.host(), p.port())));
                assertEquals("127.0.0.1", pasv(otherViaProxy).host());
            }
        }
    }
}

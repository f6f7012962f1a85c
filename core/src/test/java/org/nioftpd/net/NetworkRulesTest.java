package org.nioftpd.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.FtpServer;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Issue 15 item 3 against a real server: address rules at accept (no greeting
 * for a refused client), per listener and behind a PROXY header; bans with
 * exempt networks; the per-address-and-user mode; manual bans that also end
 * the sessions already open. Clients choose their source address in 127.0.0.0/8.
 */
@Timeout(60)
class NetworkRulesTest {

    @TempDir
    Path dir;

    /** A control connection from {@code source} to {@code server}, greeting not yet read. */
    static RawClient from(String source, InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(server, 10_000);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new RawClient(s);
    }

    static InetSocketAddress addr(TestServer server) {
        return server.server().addresses().get(0);
    }

    static RawClient from(String source, TestServer server) throws IOException {
        return from(source, server.server().addresses().get(0));
    }

    /** The first reply, or null if the server closed (or reset) the connection without one. */
    static String firstReplyOrNull(RawClient c) {
        try {
            return c.reply();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Whether a connection from {@code source} is refused without a word: reset
     * (on loopback the reset may even beat connect's return) or closed before any reply.
     */
    static boolean refusedSilently(String source, InetSocketAddress server) throws IOException {
        RawClient c;
        try {
            c = from(source, server);
        } catch (java.net.SocketException reset) {
            return true;
        }
        try (c) {
            return firstReplyOrNull(c) == null;
        }
    }

    @Test
    void aDeniedClientGetsNoGreetingAndIsCounted() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.denyFrom("127.0.0.2"))) {
            for (int i = 0; i < 3; i++) {
                assertTrue(refusedSilently("127.0.0.2", addr(server)), "no 220 for a denied address");
            }
            try (RawClient ok = from("127.0.0.1", server)) {
                assertTrue(ok.reply().startsWith("220"));
            }
            Await.until(Duration.ofSeconds(10), "three refusals counted",
                    () -> server.server().stats().refusedConnections() == 3);
            assertEquals(1, server.server().stats().connections(), "a refused client never became a session");
        }
    }

    @Test
    void anAllowListAdmitsOnlyWhatItNamesAndTheLongestPrefixDecides() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.allowFrom("127.0.0.0/24").denyFrom("127.0.0.4/30")
                .allowFrom("127.0.0.5"))) {
            for (String admitted : List.of("127.0.0.1", "127.0.0.3", "127.0.0.5")) {
                try (RawClient c = from(admitted, server)) {
                    assertTrue(c.reply().startsWith("220"), admitted);
                }
            }
            for (String refused : List.of("127.0.0.4", "127.0.0.6", "127.0.1.1")) {
                assertTrue(refusedSilently(refused, addr(server)), refused);
            }
        }
    }

    @Test
    void rulesCanBelongToOneListener() throws Exception {
        InetSocketAddress open = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0);
        InetSocketAddress office = new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0);
        try (TestServer server = TestServer.start(dir, open, b -> b.listen(office).allowFrom(office, "127.0.0.2"))) {
            InetSocketAddress openBound = server.server().addresses().get(0);
            InetSocketAddress officeBound = server.server().addresses().get(1);
            try (RawClient c = from("127.0.0.1", openBound)) {
                assertTrue(c.reply().startsWith("220"), "the open listener has no rule");
            }
            assertTrue(refusedSilently("127.0.0.1", officeBound), "the office listener admits 127.0.0.2 only");
            try (RawClient c = from("127.0.0.2", officeBound)) {
                assertTrue(c.reply().startsWith("220"));
            }
        }
    }

    @Test
    void behindProxyProtocolTheRulesJudgeTheClientInTheHeader() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.proxyProtocol(true).denyFrom("127.0.0.9"))) {
            try (RawClient c = new RawClient(server.port())) {
                c.sendRaw("PROXY TCP4 127.0.0.9 127.0.0.1 40000 21\r\n".getBytes(StandardCharsets.US_ASCII));
                assertNull(firstReplyOrNull(c), "the proxied client is denied: no greeting");
            }
            try (RawClient c = new RawClient(server.port())) {
                c.sendRaw("PROXY TCP4 127.0.0.10 127.0.0.1 40001 21\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(c.reply().startsWith("220"), "the proxy itself (127.0.0.1) is not judged");
            }
        }
    }

    @Test
    void anExemptNetworkIsNeverBannedWhileOthersAre() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.banFailedLogins(2, Duration.ofMinutes(1),
                Duration.ofMinutes(5)).banExempt("127.0.0.1/32").maxLoginFailures(10))) {
            try (RawClient monitor = from("127.0.0.1", server)) {
                monitor.reply();
                for (int i = 0; i < 4; i++) {
                    monitor.command("USER u");
                    monitor.expect("PASS wrong", 530);
                }
            }
            try (RawClient monitor = from("127.0.0.1", server)) {
                assertTrue(monitor.reply().startsWith("220"), "four failures, still let in: exempt");
            }
            try (RawClient attacker = from("127.0.0.2", server)) {
                attacker.reply();
                attacker.command("USER u");
                attacker.expect("PASS wrong", 530);
                attacker.command("USER u");
                assertEquals("530 Login incorrect.", attacker.command("PASS wrong"));
                assertTrue(attacker.reply().startsWith("421"), "banned: the session ends");
            }
            try (RawClient attacker = from("127.0.0.2", server)) {
                assertEquals("421 Too many failed logins from your address; try again later.", attacker.reply());
            }
            assertEquals(List.of("127.0.0.2/32"),
                    server.server().bans().stream().map(FtpServer.Ban::network).toList());
        }
    }

    @Test
    void inAddressAndUserModeABannedUserDoesNotLockOutTheOthersBehindTheSameAddress() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.banFailedLogins(2, Duration.ofMinutes(1),
                Duration.ofMinutes(5)).banMode(FtpServer.BanMode.ADDRESS_AND_USER).maxLoginFailures(10));
             RawClient c = server.raw()) {
            c.reply();
            c.command("USER u");
            c.expect("PASS wrong", 530);
            c.command("USER u");
            c.expect("PASS wrong", 530);
            c.command("USER u");
            assertEquals("530 Too many failed logins for this user from your address; try again later.",
                    c.command("PASS " + TestServer.PASSWORD), "banned pair: even the right password is refused");
            c.command("USER ro");
            c.expect("PASS " + TestServer.PASSWORD, 230); // another user, same address, same session
            try (RawClient other = server.raw()) {
                assertTrue(other.reply().startsWith("220"), "the address itself is not banned");
                other.command("USER u");
                other.expect("PASS " + TestServer.PASSWORD, 530);
            }
            FtpServer.Ban ban = server.server().bans().get(0);
            assertEquals("u", ban.user());
            assertEquals("127.0.0.1/32", ban.network());
            assertFalse(ban.manual());
            assertEquals(1, server.server().unban("127.0.0.1"));
            try (RawClient again = server.raw()) {
                again.reply();
                again.login(TestServer.USER, TestServer.PASSWORD);
            }
        }
    }

    @Test
    void aManualBanEndsOpenSessionsRefusesNewOnesAndCanBeLifted() throws Exception {
        try (TestServer server = TestServer.start(dir);
             RawClient bystander = from("127.0.0.1", server);
             RawClient target = from("127.0.0.2", server)) {
            bystander.reply();
            bystander.login(TestServer.USER, TestServer.PASSWORD);
            target.reply();
            target.login(TestServer.USER, TestServer.PASSWORD);
            server.server().ban("127.0.0.2/31", Duration.ofHours(1), "ticket 7");
            assertEquals("421 Your address has been banned; closing control connection.", target.reply());
            assertNull(firstReplyOrNull(target), "and closed");
            try (RawClient again = from("127.0.0.3", server)) {
                assertEquals("421 Your address is banned; try again later.", again.reply());
            }
            assertTrue(bystander.command("NOOP").startsWith("200"), "other addresses go on");
            FtpServer.Ban ban = server.server().bans().get(0);
            assertEquals("127.0.0.2/31", ban.network());
            assertEquals("ticket 7", ban.reason());
            assertTrue(ban.manual());
            assertNull(ban.user());
            Await.until(Duration.ofSeconds(10), "the kicked session released",
                    () -> server.server().sessionCount() == 1);
            assertEquals(1, server.server().unban("127.0.0.0/24"));
            assertTrue(server.server().bans().isEmpty());
            try (RawClient back = from("127.0.0.2", server)) {
                assertTrue(back.reply().startsWith("220"));
            }
        }
    }
}

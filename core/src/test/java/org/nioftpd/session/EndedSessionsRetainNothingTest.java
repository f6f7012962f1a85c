package org.nioftpd.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.FtpServer;
import org.nioftpd.ServerInternals;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;
import org.nioftpd.tls.TlsTesting;

/**
 * Regression (hostile-load issue, item 1): a session ended by QUIT stayed
 * reachable for the idle timeout, held by a close timer nobody cancelled;
 * 96,000 QUITs ran a 256 MB heap out. Every way a session ends is churned
 * here, and then what the server still holds is counted: sessions, and the
 * live timers on every loop (a timer holds its owner, the whole session).
 * Counts, not times: before the fix the QUIT rows left one live timer each.
 */
@Timeout(120)
class EndedSessionsRetainNothingTest {

    @TempDir
    Path dir;

    /** Every session gone and no timer left armed: nothing of them is reachable from the loops. */
    static void assertNothingRetained(FtpServer server, String after) {
        Await.until(Duration.ofSeconds(20), "sessions closed after " + after, () -> server.sessionCount() == 0);
        Await.until(Duration.ofSeconds(20), "no live timer after " + after, () -> ServerInternals.liveTimers(server) == 0);
    }

    /** The server's long idle timeout is what the leaked timer waited for: 5 minutes, the default. */
    private TestServer tlsServer(java.util.function.Consumer<FtpServer.Builder> more) throws IOException {
        return TlsTesting.server(dir, b -> {
            b.idleTimeout(Duration.ofMinutes(5)).maxSessionsPerAddress(10_000).banFailedLogins(0,
                    Duration.ofMinutes(1), Duration.ofMinutes(1));
            more.accept(b);
        });
    }

    @Test
    void quitBeforeAndAfterLoginWithAndWithoutTlsAndClientCloseRetainNothing() throws Exception {
        try (TestServer server = tlsServer(b -> { })) {
            assertEquals(0, ServerInternals.liveTimers(server.server()), "a server with no session arms no timer");
            SSLContext tls = TlsTesting.clientContext();
            int rounds = 150;
            for (int i = 0; i < rounds; i++) {
                try (RawClient c = server.raw()) { // QUIT before login
                    c.reply();
                    c.expect("QUIT", 221);
                    assertNull(c.reply(), "closed after 221");
                }
                try (RawClient c = server.rawLoggedIn()) { // QUIT after login
                    c.expect("QUIT", 221);
                    assertNull(c.reply(), "closed after 221");
                }
                try (RawClient c = server.raw()) { // the client closes, before login
                    c.reply();
                }
                try (RawClient c = server.rawLoggedIn()) { // the client closes, after login
                    c.expect("NOOP", 200);
                }
                if (i % 3 == 0) { // TLS handshakes cost more: a third as many
                    quitOverTls(server.port(), tls, false);
                    quitOverTls(server.port(), tls, true);
                }
            }
            assertNothingRetained(server.server(), rounds + " rounds of QUIT and client close");
        }
    }

    /** AUTH TLS, optionally a login inside TLS, then QUIT: 221, and the server closes. */
    private static void quitOverTls(int port, SSLContext context, boolean login) throws IOException {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            plain.setSoTimeout(20_000);
            RawClient c = new RawClient(plain);
            c.reply();
            c.expect("AUTH TLS", 234);
            SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
            s.setUseClientMode(true);
            s.setSoTimeout(20_000);
            s.startHandshake();
            RawClient t = new RawClient(s);
            if (login) {
                t.login(TestServer.USER, TestServer.PASSWORD);
            }
            t.expect("QUIT", 221);
            s.close();
        }
    }

    @Test
    void loginTimeoutAndIdleTimeoutRetainNothing() throws Exception {
        // The login timeout fires long before the idle timeout: its 421 closed through the
        // same leaked timer, which then waited the idle timeout (5 minutes) out.
        try (TestServer server = tlsServer(b -> b.loginTimeout(Duration.ofMillis(200)))) {
            for (int i = 0; i < 40; i++) {
                try (RawClient c = server.raw()) {
                    c.reply();
                    assertTrue(c.reply().startsWith("421 Login timeout"), "login timeout");
                }
            }
            assertNothingRetained(server.server(), "login timeouts");
        }
        try (TestServer server = tlsServer(b -> b.idleTimeout(Duration.ofMillis(300)))) {
            for (int i = 0; i < 20; i++) {
                try (RawClient c = server.rawLoggedIn()) {
                    assertTrue(c.reply().startsWith("421 Timeout"), "idle timeout");
                }
            }
            assertNothingRetained(server.server(), "idle timeouts");
        }
    }

    @Test
    void tooManyFailedLoginsAndBansRetainNothing() throws Exception {
        try (TestServer server = tlsServer(b -> b.maxLoginFailures(1).failedLoginDelay(Duration.ZERO))) {
            for (int i = 0; i < 50; i++) { // disconnected after one failure: 530 then 421
                try (RawClient c = server.raw()) {
                    c.reply();
                    c.expect("USER " + TestServer.USER, 331);
                    String r = c.command("PASS wrong");
                    assertTrue(r.startsWith("530"), r);
                    assertTrue(c.reply().startsWith("421"), "disconnected after too many failures");
                }
            }
            assertNothingRetained(server.server(), "disconnects for failed logins");
        }
        try (TestServer server = TlsTesting.server(dir, b -> b.maxLoginFailures(1).failedLoginDelay(Duration.ZERO)
                .maxSessionsPerAddress(10_000).banFailedLogins(3, Duration.ofMinutes(1), Duration.ofMinutes(5)))) {
            for (int i = 0; i < 3; i++) {
                try (RawClient c = server.raw()) {
                    c.reply();
                    c.expect("USER " + TestServer.USER, 331);
                    c.command("PASS wrong");
                }
            }
            for (int i = 0; i < 50; i++) { // banned: refused with 421 before any session exists
                try (RawClient c = server.raw()) {
                    String r = c.reply();
                    assertTrue(r.startsWith("421"), r);
                }
            }
            assertNothingRetained(server.server(), "banned connections");
        }
    }

    /**
     * Kicked sessions (issue 15 item 5) end through the same close as every
     * other way: nothing of them is left, not in the registry that
     * {@code sessions()} and {@code kick()} read, not as a timer, even with a
     * throttled download in flight (its pause timer is the transfer's) and
     * the snapshots taken meanwhile kept by the test.
     */
    @Test
    void kickedSessionsAndTheirSnapshotsRetainNothing() throws Exception {
        java.nio.file.Files.write(dir.resolve("big.bin"), new byte[4 << 20]);
        try (TestServer server = tlsServer(b -> b.root(dir).bandwidth(128 * 1024, 0))) {
            FtpServer s = server.server();
            java.util.List<org.nioftpd.SessionInfo> kept = new java.util.ArrayList<>();
            for (int i = 0; i < 30; i++) {
                try (RawClient c = server.rawLoggedIn()) {
                    if (i % 2 == 0) {
                        c.expect("TYPE I", 200);
                        Socket data = c.passiveData();
                        c.expect("RETR big.bin", 1);
                        assertTrue(data.getInputStream().read() >= 0);
                        kept.addAll(s.sessions());
                        assertEquals(1, s.kick(kept.get(kept.size() - 1).id()).size());
                        assertTrue(c.reply().startsWith("426"));
                        data.close();
                    } else {
                        kept.addAll(s.sessions());
                        assertEquals(1, s.kick(TestServer.USER).size());
                    }
                    assertEquals("421 Session ended by the administrator.", c.reply());
                    assertNull(c.reply(), "closed after 421");
                }
            }
            assertNothingRetained(s, "30 kicks");
            assertEquals(java.util.List.of(), s.sessions());
            assertEquals(30, kept.size());
        }
    }
}

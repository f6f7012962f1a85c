package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.testing.RawClient;

/** Rates, session caps, bans, timeouts and the other hardening options, each on a real server. */
@Timeout(60)
class LimitsOptionsTest extends DaemonTestBase {

    private static final Pattern PASV = Pattern.compile("227 .*\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\).*");

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /**
     * A rate is a lower bound on time, which a loaded machine cannot break:
     * 64 KiB at 32 KiB/s takes 2 s less one burst (0.1 s), never less. (The
     * upper side is the bench's business, not a unit test's.)
     */
    @Test
    void serverWideRatesSlowTransfersDown() throws Exception {
        byte[] data = random(64 * 1024);
        Files.write(dir.resolve("f.bin"), data);
        Daemon d = start("--max-download-rate", "32K", "--max-upload-rate", "32K", "--user", "alice:pw");
        FTPClient c = login(d, "alice", "pw");

        long t0 = System.nanoTime();
        assertArrayEquals(data, download(c, "f.bin"));
        long downloadMillis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(downloadMillis >= 1_500, "64 KiB at 32K/s in " + downloadMillis + " ms");

        t0 = System.nanoTime();
        assertTrue(upload(c, "up.bin", data), c.getReplyString());
        long uploadMillis = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(uploadMillis >= 1_500, "64 KiB at 32K/s in " + uploadMillis + " ms");
        assertArrayEquals(data, Files.readAllBytes(dir.resolve("up.bin")));
    }

    @Test
    void maxSessions() throws Exception {
        Daemon d = start("--max-sessions", "1");
        try (RawClient first = new RawClient(d.server().port()); RawClient second = new RawClient(d.server().port())) {
            assertTrue(first.reply().startsWith("220"));
            assertEquals("421 Too many users, sorry; try again later.", second.reply());
        }
    }

    @Test
    void maxSessionsPerAddress() throws Exception {
        Daemon d = start("--max-sessions-per-address", "2");
        try (RawClient a = new RawClient(d.server().port()); RawClient b = new RawClient(d.server().port());
             RawClient c = new RawClient(d.server().port())) {
            assertTrue(a.reply().startsWith("220"));
            assertTrue(b.reply().startsWith("220"));
            assertEquals("421 Too many connections from your address.", c.reply());
        }
    }

    /** Issue 19, item 6, through the daemon: one address at its passive cap gets 425 and no port. */
    @Test
    void maxPassivePerAddress() throws Exception {
        Daemon d = start("--max-passive-per-address", "1", "--user", "alice:pw");
        try (RawClient a = new RawClient(d.server().port()).greetAndLogin("alice", "pw");
             RawClient b = new RawClient(d.server().port()).greetAndLogin("alice", "pw")) {
            a.pasv();
            assertEquals("425 Too many passive connections from your address (1); use the ones you opened,"
                    + " or try again later.", b.command("EPSV"));
            a.pasv(); // a session at the cap replaces its own listener
            assertEquals(1, d.server().passiveListenerCount());
        }
    }

    @Test
    void banAfterFailedLogins() throws Exception {
        Daemon d = start("--user", "alice:pw", "--ban", "2/600/900", "--max-login-failures", "5");
        try (RawClient r = new RawClient(d.server().port())) {
            assertTrue(r.reply().startsWith("220"));
            assertTrue(r.command("USER alice").startsWith("331"));
            assertTrue(r.command("PASS wrong").startsWith("530"));
            assertTrue(r.command("USER alice").startsWith("331"));
            assertTrue(r.command("PASS wrong").startsWith("530"));
        }
        try (RawClient r = new RawClient(d.server().port())) {
            assertEquals("421 Too many failed logins from your address; try again later.", r.reply());
        }
    }

    @Test
    void banZeroTurnsBansOff() throws Exception {
        Daemon d = start("--user", "alice:pw", "--ban", "0", "--max-login-failures", "1");
        for (int i = 0; i < 12; i++) { // more than the default threshold of 10
            try (RawClient r = new RawClient(d.server().port())) {
                assertTrue(r.reply().startsWith("220"), "connection " + i);
                r.command("USER alice");
                assertTrue(r.command("PASS wrong").startsWith("530"));
            }
        }
        assertTrue(canLogin(d, "alice", "pw"));
    }

    @Test
    void maxLoginFailuresClosesTheConnection() throws Exception {
        Daemon d = start("--user", "alice:pw", "--max-login-failures", "1");
        try (RawClient r = new RawClient(d.server().port())) {
            assertTrue(r.reply().startsWith("220"));
            r.command("USER alice");
            assertTrue(r.command("PASS wrong").startsWith("530"));
            assertEquals("421 Too many failed logins, closing control connection.", r.reply());
            assertNull(r.reply(), "closed");
        }
    }

    @Test
    void loginTimeout() throws Exception {
        Daemon d = start("--login-timeout", "1");
        try (RawClient r = new RawClient(d.server().port())) {
            assertTrue(r.reply().startsWith("220"));
            assertEquals("421 Login timeout: closing control connection.", r.reply()); // read waits for it
        }
    }

    @Test
    void idleTimeout() throws Exception {
        Daemon d = start("--idle-timeout", "1");
        try (RawClient r = new RawClient(d.server().port())) {
            assertTrue(r.reply().startsWith("220"));
            r.login("anonymous", "x@y");
            assertEquals("421 Timeout: closing control connection.", r.reply());
        }
    }

    @Test
    void acceptTimeout() throws Exception {
        Files.write(dir.resolve("f.bin"), new byte[10]);
        Daemon d = start("--accept-timeout", "1");
        try (RawClient r = new RawClient(d.server().port())) {
            assertTrue(r.reply().startsWith("220"));
            r.login("anonymous", "x@y");
            assertTrue(r.command("PASV").startsWith("227"));
            String reply = r.command("RETR f.bin"); // and never connect
            if (reply.startsWith("150")) {
                reply = r.reply();
            }
            assertTrue(reply.startsWith("425 "), reply);
        }
    }

    @Test
    void dataTimeout() throws Exception {
        Daemon d = start("--data-timeout", "1", "--user", "alice:pw");
        try (RawClient r = new RawClient(d.server().port())) {
            assertTrue(r.reply().startsWith("220"));
            r.login("alice", "pw");
            Matcher m = PASV.matcher(r.command("PASV"));
            assertTrue(m.matches());
            try (Socket data = new Socket()) {
                data.connect(new InetSocketAddress("127.0.0.1",
                        Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6))), 10_000);
                String started = r.command("STOR stalled.bin");
                assertTrue(started.startsWith("125") || started.startsWith("150"), started);
                // send nothing: the upload stalls
                String reply = r.reply();
                assertTrue(reply.startsWith("426 ") && reply.contains("stalled"), reply);
            }
        }
    }

    @Test
    void maxLine() throws Exception {
        Daemon d = start("--max-line", "64");
        try (RawClient r = new RawClient(d.server().port())) {
            assertTrue(r.reply().startsWith("220"));
            assertEquals("500 Command line too long.", r.command("NOOP " + "x".repeat(100)));
            assertTrue(r.command("NOOP").startsWith("200"), "the next line is read normally");
        }
    }

    @Test
    void allowForeignData() throws Exception {
        Daemon strict = start();
        Daemon open = start("--allow-foreign-data");
        for (Daemon d : new Daemon[] {strict, open}) {
            try (RawClient r = new RawClient(d.server().port())) {
                assertTrue(r.reply().startsWith("220"));
                r.login("anonymous", "x@y");
                String reply = r.command("PORT 192,0,2,1,195,80"); // nothing connects until a transfer
                assertTrue(reply.startsWith(d == strict ? "504" : "200"), reply);
            }
        }
    }

    @Test
    void banner() throws Exception {
        Daemon d = start("--banner", "ACME FTP: authorised use only");
        try (RawClient r = new RawClient(d.server().port())) {
            assertEquals("220 ACME FTP: authorised use only", r.reply());
        }
    }
}

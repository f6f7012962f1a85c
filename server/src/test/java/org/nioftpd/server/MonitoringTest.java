package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;

/** --log-level, --xferlog, the JMX MBeans and --metrics-listen, on real servers. */
@Timeout(60)
class MonitoringTest extends DaemonTestBase {

    private static void quietly(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    @Test
    void sessionEventsAreLoggedAndAPasswordNeverIs() throws Exception {
        Files.writeString(dir.resolve("f.txt"), "x");
        // trace: the most the log ever shows, commands included
        Outcome r = run(server -> quietly(() -> {
            try (RawClient c = new RawClient(server.port())) {
                c.reply();
                assertTrue(c.command("USER mallory").startsWith("331"));
                assertTrue(c.command("PASS hunter2").startsWith("530"));
                assertTrue(c.command("user alice").startsWith("331"));
                assertTrue(c.command("pass hunter2").startsWith("530")); // lower case too
                c.login("alice", "s3cret-pw");
                assertTrue(c.command("QUIT").startsWith("221"));
            }
        }), "--listen", "127.0.0.1:0", "--root", dir.toString(), "--loops", "1", "--user", "alice:s3cret-pw",
                "--failed-login-delay", "0", "--log-level", "trace");
        assertEquals(0, r.status(), r.err());
        String log = r.err();
        assertFalse(log.contains("hunter2"), log);
        assertFalse(log.contains("s3cret-pw"), log);
        String line = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ (ERROR|WARNING|INFO|DEBUG|TRACE) \\S.*";
        for (String l : log.lines().toList()) {
            assertTrue(l.matches(line), "one line per record: " + l);
        }
        assertTrue(log.lines().anyMatch(l -> l.matches(".* INFO connect 127\\.0\\.0\\.1:\\d+")), log);
        assertTrue(log.lines().anyMatch(l -> l.matches(".* WARNING login failed 127\\.0\\.0\\.1:\\d+ mallory")), log);
        assertTrue(log.lines().anyMatch(l -> l.matches(".* INFO login 127\\.0\\.0\\.1:\\d+ alice")), log);
        assertTrue(log.lines().anyMatch(l -> l.matches(".* INFO disconnect 127\\.0\\.0\\.1:\\d+ alice")), log);
        assertTrue(log.lines().anyMatch(l -> l.contains(" TRACE ") && l.contains("PASS ****")), log);
    }

    @Test
    void logLevelErrorKeepsSessionEventsOut() throws Exception {
        Outcome r = run(server -> quietly(() -> {
            try (RawClient c = new RawClient(server.port())) {
                c.reply();
                c.command("USER mallory");
                c.command("PASS hunter2");
            }
        }), "--listen", "127.0.0.1:0", "--root", dir.toString(), "--loops", "1", "--user", "alice:pw",
                "--failed-login-delay", "0", "--log-level", "error");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
    }

    @Test
    void xferlogGetsALinePerTransfer() throws Exception {
        Files.write(dir.resolve("f.bin"), new byte[1234]);
        Path log = dir.resolve("logs").resolve("xferlog");
        Files.createDirectories(log.getParent());
        Outcome r = run(server -> quietly(() -> {
            FTPClient c = org.nioftpd.testing.TestServer.newClient();
            c.connect("127.0.0.1", server.port());
            c.login("alice", "pw");
            c.enterLocalPassiveMode();
            c.setFileType(FTPClient.BINARY_FILE_TYPE);
            download(c, "f.bin");
            assertTrue(upload(c, "up.bin", new byte[99]), c.getReplyString());
            c.logout();
            c.disconnect();
        }), "--listen", "127.0.0.1:0", "--root", dir.toString(), "--loops", "1", "--user", "alice:pw",
                "--xferlog", log.toString());
        assertEquals(0, r.status(), r.err());
        // the daemon has stopped: what was queued is written
        List<String> lines = Files.readAllLines(log);
        assertEquals(2, lines.size(), lines.toString());
        String real = dir.toRealPath().toString();
        assertTrue(lines.get(0).matches("\\w{3} \\w{3} +\\d+ \\d\\d:\\d\\d:\\d\\d \\d{4} \\d+ 127\\.0\\.0\\.1 1234 "
                + Pattern.quote(real + "/f.bin") + " b _ o r alice ftp 0 \\* c"), lines.get(0));
        assertTrue(lines.get(1).matches(".* 127\\.0\\.0\\.1 99 " + Pattern.quote(real + "/up.bin")
                + " b _ i r alice ftp 0 \\* c"), lines.get(1));
    }

    @Test
    void jmxMBeansAreAlwaysRegistered() throws Exception {
        Files.write(dir.resolve("f.bin"), new byte[4096]);
        Daemon d = start("--loops", "2");
        FTPClient c = login(d, "anonymous", "x@y");
        download(c, "f.bin");

        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName server = new ObjectName("org.nioftpd:type=Server");
        Await.until(Duration.ofSeconds(10), "the transfer counted",
                () -> attribute(mbs, server, "Transfers").equals(1L));
        assertEquals(4096L, attribute(mbs, server, "BytesOut"));
        assertEquals(1L, attribute(mbs, server, "Logins"));
        assertEquals(1, attribute(mbs, server, "Sessions"));
        Set<ObjectName> loops = mbs.queryNames(new ObjectName("org.nioftpd:type=EventLoop,*"), null);
        assertEquals(2, loops.size(), loops.toString());
        for (ObjectName loop : loops) {
            assertNotNull(attribute(mbs, loop, "Load"));
        }
        c.disconnect();
        d.close();
        assertFalse(mbs.isRegistered(server), "unregistered when the daemon stops");
    }

    private static Object attribute(MBeanServer mbs, ObjectName name, String attribute) {
        try {
            return mbs.getAttribute(name, attribute);
        } catch (javax.management.JMException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void prometheusMetricsOverHttp() throws Exception {
        Files.write(dir.resolve("f.bin"), new byte[5000]);
        Daemon d = start("--metrics-listen", "127.0.0.1:0", "--user", "alice:pw");
        assertFalse(canLogin(d, "alice", "nope"));
        FTPClient c = login(d, "alice", "pw");
        download(c, "f.bin");
        assertTrue(upload(c, "up.bin", new byte[300]), c.getReplyString());

        HttpClient http = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + d.metricsAddress().getPort() + "/metrics");
        String[] body = new String[1];
        Await.until(Duration.ofSeconds(10), "both transfers counted", () -> {
            body[0] = fetch(http, uri);
            return body[0].contains("\nnioftpd_transfers_total 2\n");
        });
        String m = body[0];
        for (String sample : new String[] {"nioftpd_sessions 1", "nioftpd_connections_total 2",
            "nioftpd_logins_total 1", "nioftpd_failed_logins_total 1", "nioftpd_failed_transfers_total 0",
            "nioftpd_sent_bytes_total 5000", "nioftpd_received_bytes_total 300", "nioftpd_errors_total 0"}) {
            assertTrue(m.contains("\n" + sample + "\n"), sample + " in:\n" + m);
        }
        assertTrue(m.contains("# TYPE nioftpd_transfers_total counter\n"), m);
        assertTrue(m.matches("(?s).*\nnioftpd_loop_load\\{loop=\"[^\"]+\"} \\d\\.\\d{4}\n.*"), m);
    }

    private static String fetch(HttpClient http, URI uri) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void metricsPortInUseIsAStartFailure() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Outcome r = run(server -> {
                throw new AssertionError("started");
            }, "--listen", "127.0.0.1:0", "--root", dir.toString(), "--loops", "1",
                    "--metrics-listen", "127.0.0.1:" + taken.getLocalPort());
            assertEquals(1, r.status());
            assertTrue(r.err().startsWith("nioftpd: cannot serve metrics on 127.0.0.1:" + taken.getLocalPort() + ": "),
                    r.err());
        }
    }

    @Test
    void aTransferLogThatCannotBeOpenedIsAStartFailure() throws Exception {
        Path log = Files.createSymbolicLink(dir.resolve("xferlog"), dir.resolve("gone").resolve("xferlog"));
        Outcome r = run(server -> {
            throw new AssertionError("started");
        }, "--listen", "127.0.0.1:0", "--root", dir.toString(), "--loops", "1", "--xferlog", log.toString());
        assertEquals(1, r.status());
        assertEquals("nioftpd: cannot open the transfer log " + log + ": no such file or directory"
                + System.lineSeparator(), r.err());
    }

    private static final class Pattern {
        static String quote(String s) {
            return java.util.regex.Pattern.quote(s);
        }
    }
}

package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.testing.Await;

/** What a real session writes to the daemon's log, at trace level and in JSON. */
@Timeout(30)
class SessionLogTest extends DaemonTestBase {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    private String log() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /**
     * Regression (operator's first day, items 4 and 5): the trace showed the
     * commands but not the replies; a login was logged twice (a debug line
     * from core and the session log's line); addresses came out as the JDK
     * writes them ({@code /127.0.0.1:47794}, {@code [/127.0.0.1:2121]}).
     */
    @Test
    void traceShowsEachReplyBesideItsCommandAndALoginOnce() throws Exception {
        Logging.configure(Values.LogLevel.TRACE, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("a.txt"), "a");
        Daemon d = start("--user", "alice:secret:ro");
        FTPClient c = login(d, "alice", "secret");
        assertEquals(1, c.listNames().length);
        c.logout();
        Await.until(Duration.ofSeconds(10), "the disconnect logged", () -> log().contains("INFO disconnect "));
        String log = log();
        String client = "127.0.0.1:" + c.getLocalPort();
        List<String> lines = log.lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("TRACE " + client + " <- USER alice")), log);
        assertTrue(lines.stream().anyMatch(l -> l.contains("TRACE " + client + " -> 331 ")), log);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("TRACE " + client + " <- PASS ****")), log);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("TRACE " + client + " -> 230 Login successful.")), log);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("TRACE " + client + " -> 221 Goodbye.")
                || l.contains("TRACE " + client + " -> 221 ")), log);
        assertEquals(1, lines.stream().filter(l -> l.contains("login")).count(), log);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("INFO login " + client + " alice")), log);
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("INFO listening on 127.0.0.1:" + d.server().port()
                + " with 1 loops")), log);
        assertFalse(log.contains("/127.0.0.1"), log);
        assertFalse(log.contains("secret"), log);
    }

    @Test
    void jsonLogIsOneObjectALine() throws Exception {
        Outcome o = run(server -> {
            try {
                FTPClient c = org.nioftpd.testing.TestServer.newClient();
                c.connect("127.0.0.1", server.port());
                c.login("anonymous", "a@b");
                c.logout();
                c.disconnect();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, withDefaults("--log-format", "json"));
        assertEquals(0, o.status(), o.err());
        List<String> lines = o.err().lines().toList();
        assertTrue(lines.size() >= 3, o.err());
        for (String line : lines) {
            assertTrue(line.matches("\\{\"time\":\"[0-9T:.Z-]+\",\"level\":\"[A-Z]+\",\"logger\":\"[\\w.]+\","
                    + "\"message\":\"[^\"]*\"(,\"[a-z ]+\":(\"[^\"]*\"|true|false|\\d+))*}"), line);
        }
        // the session events carry their fields by name, for a shipper that does not parse messages
        assertTrue(lines.stream().anyMatch(l -> l.matches(".*\"message\":\"login 127\\.0\\.0\\.1:\\d+ anonymous"
                + " \\(anonymous\\)\",\"event\":\"login\",\"client\":\"127\\.0\\.0\\.1:\\d+\",\"user\":\"anonymous\","
                + "\"anonymous\":true}")), o.err());
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"event\":\"connect\",\"client\":\"127.0.0.1:")), o.err());
    }
}

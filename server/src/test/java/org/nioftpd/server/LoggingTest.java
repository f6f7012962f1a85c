package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one-line log format and what each --log-level lets through. */
@Timeout(10)
class LoggingTest {

    @AfterEach
    void restore() {
        Logging.configure(Values.LogLevel.INFO, System.err);
    }

    private static String format(Level level, String message, Object... params) {
        LogRecord r = new LogRecord(level, message);
        r.setInstant(Instant.parse("2026-11-24T07:17:02.345Z"));
        r.setParameters(params);
        return new Logging.OneLine().format(r);
    }

    @Test
    void oneLineWithUtcSecondsAndSystemLoggerLevelNames() {
        String nl = System.lineSeparator();
        assertEquals("2026-11-24T07:17:02Z INFO connect 127.0.0.1:50312" + nl,
                format(Level.INFO, "connect {0}", "127.0.0.1:50312"));
        assertEquals("2026-11-24T07:17:02Z ERROR x" + nl, format(Level.SEVERE, "x"));
        assertEquals("2026-11-24T07:17:02Z WARNING x" + nl, format(Level.WARNING, "x"));
        assertEquals("2026-11-24T07:17:02Z DEBUG x" + nl, format(Level.FINE, "x"));
        assertEquals("2026-11-24T07:17:02Z TRACE x" + nl, format(Level.FINER, "x"));
        assertEquals("2026-11-24T07:17:02Z TRACE x" + nl, format(Level.FINEST, "x"));
    }

    @Test
    void aLineBreakInAMessageCannotForgeALine() {
        assertEquals("2026-11-24T07:17:02Z WARNING login failed 127.0.0.1:1 eve?2026-11-24T00:00:00Z INFO login"
                        + System.lineSeparator(),
                format(Level.WARNING, "login failed {0} {1}", "127.0.0.1:1", "eve\n2026-11-24T00:00:00Z INFO login"));
    }

    /**
     * Issue 19, item 8: a user name with U+202E (right-to-left override) was
     * logged raw, and the rest of the line displayed reversed. Bidi controls
     * and C1 controls are '?' like the C0 ones (before: only C0 and DEL).
     */
    @Test
    void bidiOverridesAndC1ControlsInAMessageAreEscaped() {
        assertEquals("2026-11-24T07:17:02Z WARNING login failed 127.0.0.1:1 admin?nimda? ?x?"
                        + System.lineSeparator(),
                format(Level.WARNING, "login failed {0} {1}", "127.0.0.1:1",
                        "admin\u202enimda\u2066 \u009bx\u200f"));
    }

    @Test
    void anExceptionStaysOnTheLine() {
        LogRecord r = new LogRecord(Level.SEVERE, "write failed");
        r.setInstant(Instant.parse("2026-11-24T07:17:02Z"));
        r.setThrown(new IOException("disk\nfull", new IllegalStateException("cause")));
        assertEquals("2026-11-24T07:17:02Z ERROR write failed: java.io.IOException: disk?full"
                + " <- java.lang.IllegalStateException: cause" + System.lineSeparator(), new Logging.OneLine().format(r));
    }

    @Test
    void levelFiltersOurLoggersAndKeepsTheJdkQuiet() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        System.Logger ours = System.getLogger("org.nioftpd.session");
        System.Logger jdk = System.getLogger("sun.net.httpserver");

        Logging.configure(Values.LogLevel.WARNING, out);
        ours.log(System.Logger.Level.INFO, "info-hidden");
        ours.log(System.Logger.Level.WARNING, "warning-shown");
        Logging.configure(Values.LogLevel.TRACE, out);
        ours.log(System.Logger.Level.TRACE, "trace-shown");
        jdk.log(System.Logger.Level.DEBUG, "jdk-debug-hidden");
        jdk.log(System.Logger.Level.INFO, "jdk-info-shown");
        Logging.configure(Values.LogLevel.ERROR, out);
        jdk.log(System.Logger.Level.WARNING, "jdk-warning-hidden");
        ours.log(System.Logger.Level.ERROR, "error-shown");

        String log = bytes.toString(StandardCharsets.UTF_8);
        for (String shown : new String[] {"warning-shown", "trace-shown", "jdk-info-shown", "error-shown"}) {
            assertTrue(log.contains(" " + shown + System.lineSeparator()), shown + " in:\n" + log);
        }
        assertFalse(log.contains("hidden"), log);
        assertEquals(4, log.lines().count(), log);
    }

    /**
     * Regression (operator's first day, item 4): core logged the JDK's
     * spellings of addresses ({@code [/127.0.0.1:2121]}, {@code localhost/127.0.0.1:2121},
     * {@code /[0:0:0:0:0:0:0:1]:46512}); the session log wrote IPv6 unbracketed.
     */
    @Test
    void addressesPrintAsPeopleWriteThemHoweverTheyAreLogged() throws Exception {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 2121);
        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 46512);
        InetSocketAddress named = new InetSocketAddress(InetAddress.getByAddress("localhost",
                new byte[] {127, 0, 0, 1}), 2121);
        String nl = System.lineSeparator();
        // as parameters, alone and in a list
        assertEquals("2026-11-24T07:17:02Z INFO listening on 127.0.0.1:2121, [::1]:46512 with 2 loops" + nl,
                format(Level.INFO, "listening on {0} with {1} loops", List.of(v4, v6), 2));
        assertEquals("2026-11-24T07:17:02Z TRACE [::1]:46512 <- USER x" + nl,
                format(Level.FINEST, "{0} <- {1}", v6, "USER x"));
        // concatenated into the text
        assertEquals("2026-11-24T07:17:02Z ERROR cannot listen on 127.0.0.1:2121: Address already in use" + nl,
                format(Level.SEVERE, "cannot listen on " + named + ": Address already in use"));
        assertEquals("2026-11-24T07:17:02Z WARNING cannot start TLS for [::1]:46512: x" + nl,
                format(Level.WARNING, "cannot start TLS for " + v6 + ": x"));
        assertEquals("2026-11-24T07:17:02Z DEBUG [fe80::1%1]:5: session closed" + nl,
                format(Level.FINE, new InetSocketAddress(InetAddress.getByName("fe80::1%1"), 5) + ": session closed"));
        assertEquals("2026-11-24T07:17:02Z INFO from 10.1.2.3 and ::1" + nl,
                format(Level.INFO, "from " + InetAddress.getByName("10.1.2.3") + " and " + InetAddress.getByName("::1")));
        // what only looks like one stays
        assertEquals("2026-11-24T07:17:02Z INFO download /srv/ftp/10.0.0.1:80 and ./1.2.3.4" + nl,
                format(Level.INFO, "download /srv/ftp/10.0.0.1:80 and ./1.2.3.4"));
        assertEquals("2026-11-24T07:17:02Z INFO 1024 bytes" + nl, format(Level.INFO, "{0} bytes", 1024L));
    }

    @Test
    void jsonIsOneObjectALineWithEverythingEscaped() throws Exception {
        LogRecord r = new LogRecord(Level.WARNING, "login failed {0} {1}");
        r.setInstant(Instant.parse("2026-11-24T07:17:02.345Z"));
        r.setLoggerName("org.nioftpd.session");
        r.setParameters(new Object[] {new InetSocketAddress(InetAddress.getByName("::1"), 50312),
            "eve\n\"}\\\u0001"});
        r.setThrown(new IOException("disk", new IllegalStateException("cause")));
        assertEquals("{\"time\":\"2026-11-24T07:17:02.345Z\",\"level\":\"WARNING\",\"logger\":\"org.nioftpd.session\","
                + "\"message\":\"login failed [::1]:50312 eve\\n\\\"}\\\\\\u0001\","
                + "\"error\":\"java.io.IOException: disk <- java.lang.IllegalStateException: cause\"}"
                + System.lineSeparator(), new Logging.Json().format(r));
    }
}

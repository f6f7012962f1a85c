package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.command.Commands;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.protocol.LineDecoder;
import org.nioftpd.testing.TestServer;

/**
 * Issue 4, item 8: seeded fuzzing, no new dependency. Three targets:
 * <ul>
 *   <li>{@link LineDecoder}: random bytes heavy in CR, LF, NUL and Telnet
 *       IAC sequences, fed whole and split at random points through heap and
 *       direct buffers, compared with a plain reference decoder written here
 *       from the class's documentation;</li>
 *   <li>command dispatch: random verbs from the command table (and
 *       garbage), with random arguments (paths, unicode, control characters,
 *       huge numbers, PORT/EPRT shapes), sent to a real server over a raw
 *       socket; a fresh session when one ends;</li>
 *   <li>{@link FileSystemView}: random paths of {@code .. . ~ // %2e}, long
 *       names, unicode and NUL, against a root with links out of it.</li>
 * </ul>
 * Asserted: no exception escapes (none is logged as a warning or an error,
 * no session ends on a failure), every reply is well-formed (three digits,
 * space or hyphen, CRLF: {@link Ctl} checks each line), the loops are alive
 * (a new client gets NOOP answered), nothing hangs (a deadline scaled to the
 * number of inputs, and every reply awaited for at most 20 s).
 *
 * <p>Brief by default ({@value #DEFAULT_ITERATIONS} inputs per target, a few
 * seconds); for a long run:
 * {@code mvn -pl core test -Dtest=FuzzTest -Dfuzz.iterations=1000000 [-Dfuzz.seed=N]}.
 * A failure names the seed and the input to replay.
 */
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.HOURS) // the real deadline is scaled, see deadline()
class FuzzTest {

    static final int DEFAULT_ITERATIONS = 20_000;
    private static final int ITERATIONS = Integer.getInteger("fuzz.iterations", DEFAULT_ITERATIONS);
    private static final long SEED = Long.getLong("fuzz.seed", 0x4e494f465450L);

    private static final int IAC = 0xFF;

    @TempDir
    Path dir;

    /** Generous for a loaded machine, but finite: 60 s plus {@code perInputMicros} per input. */
    private static Duration deadline(long perInputMicros) {
        return Duration.ofSeconds(60).plus(Duration.ofNanos(ITERATIONS * perInputMicros * 1000));
    }

    private static Random random(long input) {
        return new Random(SEED * 1_000_003L + input);
    }

    // =============================================================== LineDecoder

    @Test
    void lineDecoder() {
        assertTimeoutPreemptively(deadline(200), () -> {
            for (int i = 0; i < ITERATIONS; i++) {
                Random r = random(i);
                int cap = new int[] {1, 2, 3, 8, 64, 100, 4096}[r.nextInt(7)];
                byte[] input = telnetHeavyBytes(r, r.nextInt(r.nextInt(10) == 0 ? 3000 : 300));
                try {
                    checkDecoder(r, cap, input);
                } catch (Throwable t) {
                    throw new AssertionError("LineDecoder, seed " + SEED + " input " + i + " (cap " + cap + "): "
                            + hex(input), t);
                }
            }
        });
    }

    private static byte[] telnetHeavyBytes(Random r, int n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (out.size() < n) {
            int k = r.nextInt(100);
            if (k < 30) {
                out.write('a' + r.nextInt(26));
            } else if (k < 40) {
                out.write('\r');
            } else if (k < 50) {
                out.write('\n');
            } else if (k < 55) {
                out.write(0);
            } else if (k < 65) {
                out.write(IAC);
            } else if (k < 75) {
                out.write(240 + r.nextInt(16)); // SE..IAC: every Telnet command byte
            } else if (k < 80) {
                out.writeBytes(new String(Character.toChars(0x80 + r.nextInt(0x10000 - 0x80 - 0x800)))
                        .getBytes(StandardCharsets.UTF_8));
            } else if (k < 85) {
                out.writeBytes(new byte[] {(byte) IAC, (byte) (250), (byte) r.nextInt(256)}); // IAC SB x
            } else if (k < 90) {
                out.writeBytes(new byte[] {(byte) IAC, (byte) 240}); // IAC SE
            } else {
                out.write(r.nextInt(256));
            }
        }
        return out.toByteArray();
    }

    private static void checkDecoder(Random r, int cap, byte[] input) {
        List<String> expected = Reference.decode(input, cap);
        // Whole, in one heap buffer.
        List<String> whole = decodeAll(new LineDecoder(cap), List.of(ByteBuffer.wrap(input)), cap);
        assertEquals(expected, whole, "whole input differs from the reference");
        // Split at random points, each piece heap or direct.
        List<ByteBuffer> pieces = new ArrayList<>();
        int at = 0;
        while (at < input.length) {
            int len = 1 + r.nextInt(Math.min(input.length - at, r.nextBoolean() ? 3 : 200));
            ByteBuffer b = r.nextBoolean() ? ByteBuffer.allocate(len) : ByteBuffer.allocateDirect(len);
            b.put(input, at, len).flip();
            pieces.add(b);
            at += len;
        }
        assertEquals(expected, decodeAll(new LineDecoder(cap), pieces, cap), "split input differs");
    }

    /** Every line the pieces make; TOO_LONG as the marker "\0TOO_LONG" (no real line holds NUL). */
    private static List<String> decodeAll(LineDecoder d, List<ByteBuffer> pieces, int cap) {
        List<String> lines = new ArrayList<>();
        for (ByteBuffer b : pieces) {
            String line;
            while ((line = d.decode(b)) != null) {
                if (line == LineDecoder.TOO_LONG) {
                    lines.add(Reference.TOO_LONG);
                } else {
                    assertFalse(line.indexOf('\n') >= 0, "a line holds LF");
                    assertFalse(line.indexOf('\0') >= 0, "a line holds NUL");
                    assertTrue(line.length() <= cap, "a line longer than the cap: " + line.length());
                    lines.add(line);
                }
                assertTrue(d.bufferedBytes() <= cap);
            }
            assertFalse(b.hasRemaining(), "null returned with input left");
            assertTrue(d.bufferedBytes() <= cap, "holds " + d.bufferedBytes() + " bytes, cap " + cap);
            assertTrue(d.skippedBytes() >= 0);
        }
        return lines;
    }

    /**
     * The decoder's documented behaviour, written the plain way (whole input,
     * one layer after another) so that the incremental state machine has
     * something independent to agree with.
     */
    static final class Reference {
        static final String TOO_LONG = "\0TOO_LONG";

        static List<String> decode(byte[] in, int cap) {
            // Layer 1, Telnet: IAC IAC is 0xFF; IAC WILL/WONT/DO/DONT x is removed; IAC SB ... IAC SE
            // is removed with its payload; any other IAC x is removed.
            ByteArrayOutputStream data = new ByteArrayOutputStream();
            int i = 0;
            boolean inSb = false;
            while (i < in.length) {
                int b = in[i] & 0xFF;
                if (inSb) {
                    if (b == IAC && i + 1 < in.length) {
                        inSb = (in[i + 1] & 0xFF) != 240;
                        i += 2;
                    } else {
                        i++;
                    }
                    continue;
                }
                if (b != IAC) {
                    data.write(b);
                    i++;
                    continue;
                }
                if (i + 1 >= in.length) {
                    break;
                }
                int c = in[i + 1] & 0xFF;
                if (c == IAC) {
                    data.write(IAC);
                    i += 2;
                } else if (c >= 251) {
                    i += 3;
                } else if (c == 250) {
                    inSb = true;
                    i += 2;
                } else {
                    i += 2;
                }
            }
            // Layer 2, lines: a line ends at LF; a CR right before it is the line end's. Inside
            // the line CR NUL is a CR, any other NUL is dropped. Layer 3: UTF-8.
            byte[] d = data.toByteArray();
            List<String> lines = new ArrayList<>();
            int start = 0;
            for (int j = 0; j < d.length; j++) {
                if (d[j] != '\n') {
                    continue;
                }
                int end = j;
                if (end > start && d[end - 1] == '\r') {
                    end--;
                }
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                for (int k = start; k < end; k++) {
                    if (d[k] == '\r' && k + 1 < end && d[k + 1] == 0) {
                        line.write('\r');
                        k++;
                    } else if (d[k] != 0) {
                        line.write(d[k]);
                    }
                }
                lines.add(line.size() > cap ? TOO_LONG : line.toString(StandardCharsets.UTF_8));
                start = j + 1;
            }
            return lines;
        }
    }

    // =========================================================== command dispatch

    /** Log records that mean an exception escaped somewhere it should not have. */
    private static final class Escapes extends Handler {
        final List<String> seen = new CopyOnWriteArrayList<>();
        /** Sessions whose end was logged: proves this handler hears the DEBUG records. */
        final java.util.concurrent.atomic.AtomicInteger closes = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void publish(LogRecord r) {
            String message = r.getMessage();
            Object[] params = r.getParameters();
            String text = message + (params == null ? "" : " " + java.util.Arrays.toString(params));
            if (text.contains("session closed")) {
                closes.incrementAndGet();
            }
            boolean failedSession = text.contains("control connection failed");
            boolean expectedWarning = text.contains("authenticator failed") || text.contains("home of ");
            if (failedSession || (r.getLevel().intValue() >= Level.WARNING.intValue() && !expectedWarning)) {
                seen.add(r.getLevel() + " " + r.getLoggerName() + ": " + text
                        + (r.getThrown() != null ? " " + r.getThrown() : ""));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /**
     * Where PORT and EPRT point: a local listener that takes whatever comes
     * (a download) and sends nothing (an upload ends empty). Random ports
     * could reach other services on this machine; the fuzz aims only here,
     * at privileged ports and at other hosts (both refused before any connect).
     */
    private static final class Sink implements AutoCloseable {
        final java.net.ServerSocket server = new java.net.ServerSocket();
        final Thread thread;

        Sink() throws IOException {
            server.bind(new java.net.InetSocketAddress(Ctl.LOCAL, 0));
            thread = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread t = new Thread(() -> {
                            try (s) {
                                s.setSoTimeout(20_000);
                                s.shutdownOutput();
                                s.getInputStream().readAllBytes();
                            } catch (IOException ignored) {
                                // reset or timed out: the server's side reports it
                            }
                        });
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "fuzz-sink");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static int sinkPort;

    @Test
    void commandDispatch() throws Exception {
        // Some content for the commands to find.
        Files.writeString(dir.resolve("a.txt"), "hello\nworld\n");
        Files.createDirectories(dir.resolve("d/e"));
        Files.write(dir.resolve("d/big.bin"), new byte[300_000]);
        Logger nioftpd = Logger.getLogger("org.nioftpd");
        Level oldLevel = nioftpd.getLevel();
        Escapes escapes = new Escapes();
        nioftpd.setLevel(Level.FINE); // DEBUG: where a session's unexpected end is logged
        nioftpd.addHandler(escapes);
        int iterations = Math.max(1, ITERATIONS / 4); // a network round trip costs a hundred decodes
        try (Sink sink = new Sink(); TestServer server = TestServer.start(dir, b -> b
                .failedLoginDelay(Duration.ZERO)
                .maxLoginFailures(Integer.MAX_VALUE)
                .banFailedLogins(0, Duration.ofMinutes(1), Duration.ofMinutes(1))
                .loginTimeout(Duration.ofHours(6))
                .idleTimeout(Duration.ofHours(6))
                .acceptTimeout(Duration.ofMillis(200))
                .dataTimeout(Duration.ofSeconds(2)))) {
            sinkPort = sink.port();
            assertTimeoutPreemptively(deadline(4000), () -> dispatch(server, iterations));
            // The loops are alive: a new client is served.
            try (Ctl c = Ctl.login(server.port(), "u", "p")) {
                assertEquals("200 NOOP ok.", c.command("NOOP"));
            }
        } finally {
            nioftpd.removeHandler(escapes);
            nioftpd.setLevel(oldLevel);
        }
        assertEquals(List.of(), escapes.seen, "exceptions escaped");
        assertTrue(escapes.closes.get() > 0, "the log handler heard nothing: the check above proves nothing");
        System.out.println("dispatch fuzz: " + iterations + " commands, replies by class " + STATS);
        new java.util.TreeMap<>(CODES).forEach((k, v) -> System.out.println("  " + v + " " + Ctl.printable(k)));
    }

    /** Replies seen, by first digit (1xx..5xx): shows the fuzz reaches more than 500s. */
    static final java.util.Map<String, Integer> CODES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicLongArray STATS = new java.util.concurrent.atomic.AtomicLongArray(6);

    private static final List<String> VERBS = Commands.table().verbs();
    /** After PASV, half the time one of these: transfers are where the state machines are. */
    private static final String[] TRANSFERS = {"RETR a.txt", "RETR d/big.bin", "RETR /d/big.bin", "LIST", "LIST -la d",
        "NLST", "NLST *.txt", "MLSD", "MLSD d", "STOR fuzz.bin", "APPE fuzz.bin", "STOU", "STOU fuzz", "RETR nope",
        "LIST d/*", "NLST ../*"};

    private void dispatch(TestServer server, int iterations) throws IOException {
        Deque<String> recent = new ArrayDeque<>();
        Session s = null;
        for (int i = 0; i < iterations; i++) {
            Random r = random(i);
            if (s == null) {
                s = Session.open(server, r);
            }
            byte[] line;
            if (s.passivePort >= 0 && r.nextBoolean()) {
                line = (TRANSFERS[r.nextInt(TRANSFERS.length)] + "\r\n").getBytes(StandardCharsets.UTF_8);
            } else if (r.nextInt(15) == 0) {
                line = (r.nextBoolean() ? "PASV\r\n" : "EPSV\r\n").getBytes(StandardCharsets.UTF_8);
            } else {
                line = randomLine(r);
            }
            recent.addLast(Ctl.printable(new String(line, StandardCharsets.UTF_8)));
            if (recent.size() > 20) {
                recent.removeFirst();
            }
            try {
                if (!s.run(line, r)) {
                    s.close();
                    s = null;
                }
            } catch (Throwable t) {
                throw new AssertionError("dispatch, seed " + SEED + " input " + i + "; last commands:\n  "
                        + String.join("\n  ", recent), t);
            }
        }
        if (s != null) {
            s.close();
        }
    }

    /** A fuzzing session: the control connection and the last passive port it was given. */
    private static final class Session {
        final Ctl c;
        int passivePort = -1;

        private Session(Ctl c) {
            this.c = c;
        }

        static Session open(TestServer server, Random r) throws IOException {
            Ctl c = Ctl.open(server.port());
            Ctl.expect("220", c.reply());
            int who = r.nextInt(10);
            if (who < 8) {
                c.login("u", "p");
            } else if (who < 9) {
                c.login("ro", "p");
            }
            return new Session(c);
        }

        /** Sends one line, reads its reply (and a transfer's); false if the session has ended. */
        boolean run(byte[] line, Random random) throws IOException {
            c.sendRaw(line);
            String r;
            try {
                r = c.reply();
                if (r != null && r.startsWith("1")) {
                    transfer();
                    r = c.reply();
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("no reply within 20 s: the server hangs", e);
            }
            if (r == null) {
                throw new AssertionError("the session ended without 221 or 421");
            }
            STATS.incrementAndGet(r.charAt(0) - '0');
            CODES.merge(r.startsWith("500 Unknown command") ? "500 Unknown command"
                    : r.substring(0, 3) + (r.charAt(0) >= '4' ? " " + r.substring(4, Math.min(r.length(), 60)) : ""),
                    1, Integer::sum);
            if (r.startsWith("227")) {
                passivePort = Integer.parseInt(r.replaceAll(".*,(\\d+),(\\d+)\\).*", "$1")) * 256
                        + Integer.parseInt(r.replaceAll(".*,(\\d+),(\\d+)\\).*", "$2"));
            } else if (r.startsWith("229")) {
                passivePort = Integer.parseInt(r.replaceAll(".*\\|\\|\\|(\\d+)\\|.*", "$1"));
            }
            if (r.startsWith("221") || r.startsWith("421")) {
                assertEquals(null, c.reply(), "more after " + r);
                return false;
            }
            if (r.startsWith("530 Please login") && random.nextInt(4) != 0) {
                c.login("u", "p"); // logged out (REIN): mostly log in again, or the fuzz only meets 530s
            }
            return true;
        }

        /** 1xx: serve the data connection if passive (active ones go to nowhere: 425). */
        private void transfer() throws IOException {
            if (passivePort < 0) {
                return;
            }
            int port = passivePort;
            passivePort = -1;
            try (Socket data = Ctl.data(port)) {
                data.shutdownOutput(); // an upload is empty; a download is read to its end
                data.setSoTimeout(20_000);
                data.getInputStream().readAllBytes();
            } catch (java.net.ConnectException gone) {
                // The listener was replaced or timed out: the server says so with 425.
            } catch (java.net.SocketException reset) {
                // Aborted by the server (426/451): the control reply says which.
            }
        }

        void close() throws IOException {
            c.close();
        }
    }

    private static byte[] randomLine(Random r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int k = r.nextInt(100);
        String verb;
        if (k < 85) {
            verb = VERBS.get(r.nextInt(VERBS.size()));
            if (r.nextInt(5) == 0) {
                verb = verb.toLowerCase(java.util.Locale.ROOT);
            }
        } else if (k < 95) {
            verb = randomText(r, 1 + r.nextInt(12));
        } else {
            verb = "";
        }
        out.writeBytes(verb.getBytes(StandardCharsets.UTF_8));
        if (r.nextBoolean() && k < 85) {
            // Half the time an argument of the shape the verb expects, so that the fuzz gets past
            // the syntax checks into the handlers (and into transfers), not only into 501s.
            String arg = fittingArg(r, verb.toUpperCase(java.util.Locale.ROOT));
            if (arg != null) {
                out.write(' ');
                out.writeBytes(arg.getBytes(StandardCharsets.UTF_8));
            }
        } else if (r.nextInt(6) != 0) {
            out.write(' ');
            out.writeBytes(randomArg(r).getBytes(StandardCharsets.UTF_8));
        }
        // Raw Telnet bytes here and there: 2-byte commands and escaped 0xFF (never SB: it would eat the LF).
        byte[] body = out.toByteArray();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (byte b : body) {
            if (r.nextInt(200) == 0) {
                line.write(IAC);
                line.write(new int[] {IAC, 241, 242, 244, 246}[r.nextInt(5)]);
            }
            if (r.nextInt(300) == 0) {
                line.write(0);
            }
            line.write(b);
        }
        line.writeBytes(r.nextInt(10) == 0 ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
        return line.toByteArray();
    }

    /** An argument shaped for {@code verb}, from its HELP syntax in the table; null for none. */
    private static String fittingArg(Random r, String verb) {
        org.nioftpd.session.Command c = TABLE.get(verb);
        String help = c == null ? "" : c.help();
        if (help.contains("YYYYMMDD")) {
            return randomArg(r, 7);
        }
        if (help.contains("h1,h2")) {
            return randomArg(r, 4);
        }
        if (help.contains("|proto|")) {
            return randomArg(r, 5);
        }
        if (help.contains("start")) {
            return r.nextBoolean() ? randomArg(r, 8) : randomArg(r, 0);
        }
        if (help.contains("pathname") || help.contains("basename")) {
            return r.nextInt(4) == 0 ? null : randomArg(r, 0);
        }
        if (help.contains("offset") || help.contains("bytes")) {
            return randomArg(r, 3);
        }
        if (c != null && c.arg() != org.nioftpd.session.Command.Arg.NONE) {
            return randomArg(r, 6);
        }
        return null;
    }

    private static final org.nioftpd.session.CommandTable TABLE = Commands.table();

    /** The sink mostly; else a privileged or out-of-range port (refused or a syntax error, never connected to). */
    private static int dataPort(Random r) {
        int k = r.nextInt(10);
        return k < 7 ? sinkPort : k < 9 ? r.nextInt(1024) : 65536 + r.nextInt(100_000);
    }

    private static String randomText(Random r, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(10);
            if (k < 5) {
                sb.append((char) (0x21 + r.nextInt(0x5e)));
            } else if (k < 7) {
                char ch = (char) r.nextInt(0x20);
                sb.append(ch == '\n' ? '\t' : ch);       // a LF would end the line: every other control char
            } else if (k < 9) {
                sb.appendCodePoint(0xa0 + r.nextInt(0x2ff00)); // unicode, astral planes too
            } else {
                sb.append(' ');
            }
        }
        return sb.toString();
    }

    private static final String[] PATH_PARTS = {"..", ".", "~", "", "a.txt", "d", "e", "big.bin", "%2e%2e", "*",
        "?", "x y", "\u00e9t\u00e9", "\u65e5\u672c", "\uD83D\uDE00", "...", "-la", "\"q\"", "\r"};

    private static String randomArg(Random r) {
        return randomArg(r, r.nextInt(14));
    }

    private static String randomArg(Random r, int kind) {
        switch (kind) {
            case 0, 1, 2: {
                StringBuilder sb = new StringBuilder(r.nextBoolean() ? "/" : "");
                int n = r.nextInt(6);
                for (int i = 0; i < n; i++) {
                    sb.append(PATH_PARTS[r.nextInt(PATH_PARTS.length)]).append(r.nextInt(4) == 0 ? "//" : "/");
                }
                sb.append(PATH_PARTS[r.nextInt(PATH_PARTS.length)]);
                return sb.toString();
            }
            case 3:
                return new String[] {"0", "-1", "-0", "1", "99999999999999999999999", "9223372036854775807",
                    "9223372036854775808", "-9223372036854775808", "0x10", "1e9", "1.5", "00000000000000000001",
                    "077", "777", "8", "20000101000000", "99991399999999", "19700101000000.999"}[r.nextInt(18)];
            case 4: {
                int port = dataPort(r);
                String h = r.nextInt(4) == 0 ? (r.nextInt(300) + "," + r.nextInt(300) + ",0,1") : "127,0,0,1";
                return h + "," + (port >> 8) + "," + (port & 0xff) + (r.nextInt(10) == 0 ? ",7" : "");
            }
            case 5: {
                String delimiters = "|!#$%&'()*+,-./:;<=>?@[]^_`{}~";
                char d = delimiters.charAt(r.nextInt(delimiters.length()));
                String[] hosts = {"127.0.0.1", "::1", "::ffff:127.0.0.1", "127.0.0.2", "localhost", "1.2.3",
                    "999.1.1.1", "", "fe80::1%lo", "::"};
                return d + String.valueOf(r.nextInt(4)) + d + hosts[r.nextInt(hosts.length)] + d + dataPort(r) + d;
            }
            case 6:
                return new String[] {"A", "I", "L 8", "E", "A N", "A T", "L 7", "Z", "S", "B", "F", "R",
                    "UTF8 ON", "UTF8 OFF", "MLST type;size;", "HASH MD5", "HASH", "MODE Z LEVEL 9",
                    "MODE Z LEVEL 99", "CHMOD 755 a.txt", "CHMOD 7777 d", "CHMOD", "HELP", "ALL", "1", "2"}[r.nextInt(26)];
            case 7:
                return "20000101000000 " + PATH_PARTS[r.nextInt(PATH_PARTS.length)];
            case 8:
                return "a.txt " + r.nextInt(20) + " " + (r.nextInt(20) - 5);
            case 9:
                return randomText(r, r.nextInt(r.nextInt(20) == 0 ? 6000 : 40)); // sometimes over the line cap
            case 10:
                return "x".repeat(r.nextInt(5000));
            default:
                return randomText(r, r.nextInt(12));
        }
    }

    // ========================================================= path resolution

    private static final String[] COMPONENTS = {"..", ".", "~", "~root", "", "%2e", "%2e%2e", "a", "b", "file",
        "link_out", "link_in", "link_sib", "x".repeat(300), "\u00e9", "\u65e5\u672c", "\uD83D\uDE00", "\0", "a\0b",
        "...", ".. ", "a\\..\\..", "nope"};

    @Test
    void pathResolution() throws Exception {
        Path base = dir.toRealPath();
        Path root = Files.createDirectories(base.resolve("ftp"));
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/file"), "x");
        Files.createDirectories(base.resolve("outside"));
        Files.createDirectories(base.resolve("ftp2"));
        Files.createSymbolicLink(root.resolve("link_out"), base.resolve("outside"));
        Files.createSymbolicLink(root.resolve("link_sib"), Path.of("../ftp2"));
        Files.createSymbolicLink(root.resolve("link_in"), Path.of("a"));
        Files.createSymbolicLink(root.resolve("a/b/up"), Path.of("../../../outside"));
        FileSystemView fs = new FileSystemView(root);
        assertTimeoutPreemptively(deadline(400), () -> {
            for (int i = 0; i < ITERATIONS; i++) {
                Random r = random(i);
                StringBuilder sb = new StringBuilder(r.nextBoolean() ? "/" : "");
                int n = r.nextInt(r.nextInt(20) == 0 ? 1500 : 8);
                for (int j = 0; j < n; j++) {
                    sb.append(COMPONENTS[r.nextInt(COMPONENTS.length)]).append(r.nextInt(5) == 0 ? "//" : "/");
                }
                if (r.nextBoolean()) {
                    sb.append(COMPONENTS[r.nextInt(COMPONENTS.length)]);
                }
                String arg = sb.toString();
                try {
                    checkPath(fs, root, arg);
                    if (r.nextInt(10) == 0) {
                        try {
                            fs.changeDirectory(arg);
                        } catch (IOException | InvalidPathException refused) {
                            // stays where it was
                        }
                        assertTrue(fs.cwd().startsWith("/"));
                    }
                } catch (Throwable t) {
                    throw new AssertionError("path resolution, seed " + SEED + " input " + i + ", cwd " + fs.cwd()
                            + ": " + Ctl.printable(arg), t);
                }
            }
        });
    }

    private static void checkPath(FileSystemView fs, Path root, String arg) throws IOException {
        String virtual;
        try {
            virtual = fs.virtualPath(arg);
        } catch (InvalidPathException refused) {
            assertTrue(arg.indexOf('\0') >= 0 || arg.length() > FileSystemView.MAX_PATH_CHARS,
                    "refused without a reason: " + refused);
            return;
        }
        assertTrue(virtual.startsWith("/"), virtual);
        assertFalse(virtual.contains("//"), virtual);
        assertTrue(virtual.equals("/") || !virtual.endsWith("/"), virtual);
        assertFalse(virtual.indexOf('\0') >= 0, virtual);
        for (String part : virtual.substring(1).split("/")) {
            assertFalse(part.equals(".") || part.equals(".."), virtual);
        }
        try {
            FileSystemView.Resolved e = fs.resolveExisting(arg);
            assertEquals(virtual, e.virtual());
            assertTrue(e.real().startsWith(root), "resolveExisting left the root: " + e.real());
            assertTrue(e.real().toRealPath().startsWith(root));
            assertTrue(e.lexical().normalize().startsWith(root));
        } catch (IOException | InvalidPathException refused) {
            // refused: fine
        }
        try {
            FileSystemView.Resolved e = fs.resolveEntry(arg);
            assertTrue(e.real().getParent().toRealPath().startsWith(root), "resolveEntry's parent left the root: " + e.real());
            assertTrue(e.real().normalize().equals(e.real()), e.real().toString());
            assertTrue(e.lexical().normalize().startsWith(root));
        } catch (IOException | InvalidPathException refused) {
            // refused: fine
        }
        try {
            FileSystemView.Resolved e = fs.resolveForCreate(arg);
            assertTrue(e.real().normalize().startsWith(root), "resolveForCreate left the root: " + e.real());
            if (Files.exists(e.real())) {
                assertTrue(e.real().toRealPath().startsWith(root), "resolveForCreate would write outside: " + e.real());
            } else {
                assertTrue(e.real().getParent().toRealPath().startsWith(root));
            }
        } catch (IOException | InvalidPathException refused) {
            // refused: fine
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < b.length && i < 400; i++) {
            sb.append(String.format("%02x", b[i] & 0xff));
        }
        return sb + (b.length > 400 ? "..." : "");
    }
}

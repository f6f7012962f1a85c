package org.nioftpd.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The control-line decoder, without sockets: every input is fed whole, one byte per
 * call, and split in two at every boundary, through heap, direct and read-only buffers,
 * and each way must give exactly the same lines.
 */
class LineDecoderTest {

    /** Stands for {@link LineDecoder#TOO_LONG} in expected lists. It cannot be confused
     *  with a real line: a decoded line never contains NUL (NUL bytes are dropped). */
    private static final String TL = "\0TOO_LONG";

    private static final int CAP = 64;

    // Telnet bytes (RFC 854)
    private static final int IAC = 255, DONT = 254, DO = 253, WONT = 252, WILL = 251,
            SB = 250, GA = 249, EL = 248, EC = 247, AYT = 246, AO = 245, IP = 244,
            BRK = 243, DM = 242, NOP = 241, SE = 240;

    // ---- the helpers ----------------------------------------------------------------

    /** Builds bytes from Strings (UTF-8), and Integers and chars (one byte each). */
    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String) {
                out.writeBytes(((String) p).getBytes(StandardCharsets.UTF_8));
            } else if (p instanceof Character) {
                out.write((Character) p);
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    private enum Kind { HEAP, DIRECT, READ_ONLY, SLICED }

    /** A buffer of the given kind holding exactly {@code b[from, to)}. */
    private static ByteBuffer buffer(Kind kind, byte[] b, int from, int to) {
        byte[] part = Arrays.copyOfRange(b, from, to);
        switch (kind) {
            case HEAP:
                return ByteBuffer.wrap(part);
            case DIRECT: {
                ByteBuffer d = ByteBuffer.allocateDirect(part.length);
                d.put(part).flip();
                return d;
            }
            case READ_ONLY:
                return ByteBuffer.wrap(part).asReadOnlyBuffer();
            case SLICED: {
                // A heap buffer whose arrayOffset() is not 0, with junk around it: catches
                // code that forgets arrayOffset() or reads past limit().
                byte[] padded = new byte[part.length + 6];
                Arrays.fill(padded, (byte) 'J');
                System.arraycopy(part, 0, padded, 3, part.length);
                return ByteBuffer.wrap(padded, 3, part.length).slice();
            }
            default:
                throw new AssertionError(kind);
        }
    }

    /** Feeds one chunk, collecting every result; checks the contract of decode(). */
    private static void feed(LineDecoder d, ByteBuffer in, List<String> out) {
        while (true) {
            int before = in.position();
            String line = d.decode(in);
            assertTrue(d.bufferedBytes() <= CAP, "bufferedBytes " + d.bufferedBytes());
            if (line == null) {
                assertFalse(in.hasRemaining(), "null returned while input remained");
                return;
            }
            assertTrue(in.position() > before, "a line was returned without consuming input");
            out.add(line == LineDecoder.TOO_LONG ? TL : line);
            if (!in.hasRemaining()) {
                return;
            }
        }
    }

    /** Decodes {@code input} cut at the given points (ascending), as buffers of a kind. */
    private static List<String> decodeCut(byte[] input, Kind kind, int... cuts) {
        LineDecoder d = new LineDecoder(CAP);
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            feed(d, buffer(kind, input, from, cut), out);
            from = cut;
        }
        feed(d, buffer(kind, input, from, input.length), out);
        return out;
    }

    private static List<String> decodeByteByByte(byte[] input, Kind kind) {
        LineDecoder d = new LineDecoder(CAP);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < input.length; i++) {
            feed(d, buffer(kind, input, i, i + 1), out);
        }
        return out;
    }

    /**
     * The core check: whole, byte by byte, and split at every point i ([0,i) then [i,n)),
     * for every kind of buffer, all give exactly {@code expected}.
     */
    private static void assertDecodes(byte[] input, String... expected) {
        List<String> want = Arrays.asList(expected);
        for (Kind kind : Kind.values()) {
            assertEquals(want, decodeCut(input, kind), kind + " whole");
            assertEquals(want, decodeByteByByte(input, kind), kind + " byte by byte");
            for (int i = 0; i <= input.length; i++) {
                assertEquals(want, decodeCut(input, kind, i), kind + " split at " + i);
            }
        }
    }

    // ---- line ends ------------------------------------------------------------------

    @Test
    void crlfEndsALine() {
        assertDecodes(bytes("USER anonymous\r\n"), "USER anonymous");
    }

    @Test
    void bareLfEndsALine() {
        assertDecodes(bytes("NOOP\n"), "NOOP");
    }

    @Test
    void emptyLines() {
        assertDecodes(bytes("\r\n\n\r\n"), "", "", "");
    }

    @Test
    void severalLinesInOneBuffer() {
        assertDecodes(bytes("USER a\r\nPASS b\r\nSYST\nPWD\r\n"), "USER a", "PASS b", "SYST", "PWD");
    }

    @Test
    void spacesAreNotTrimmed() {
        assertDecodes(bytes("  RETR  a b \r\n"), "  RETR  a b ");
    }

    @Test
    void noLineUntilTheLf() {
        assertDecodes(bytes("USER a\r"));
        assertDecodes(bytes("USER a"));
    }

    @Test
    void unconsumedBytesStayInTheBuffer() {
        LineDecoder d = new LineDecoder(CAP);
        ByteBuffer in = ByteBuffer.wrap(bytes("ab\r\ncd\r\nef"));
        assertEquals("ab", d.decode(in));
        assertEquals(4, in.position());
        assertEquals("cd", d.decode(in));
        assertEquals(8, in.position());
        assertNull(d.decode(in));
        assertEquals(10, in.position());
        assertEquals(2, d.bufferedBytes());
        assertEquals("efgh", d.decode(ByteBuffer.wrap(bytes("gh\r\n"))));
        assertEquals(0, d.bufferedBytes());
    }

    @Test
    void emptyInputReturnsNull() {
        LineDecoder d = new LineDecoder(CAP);
        assertNull(d.decode(ByteBuffer.allocate(0)));
        assertEquals(0, d.bufferedBytes());
    }

    // ---- CR and NUL ------------------------------------------------------------------

    @Test
    void bareCrIsKeptAsData() {
        assertDecodes(bytes("A\rB\r\n"), "A\rB");
    }

    @Test
    void crCrLfKeepsTheFirstCr() {
        assertDecodes(bytes("A\r\r\n"), "A\r");
        assertDecodes(bytes("A\r\r\r\n"), "A\r\r");
    }

    @Test
    void crNulIsABareCr() {
        assertDecodes(bytes("A", '\r', 0, "B\r\n"), "A\rB");
        assertDecodes(bytes("A", '\r', 0, '\r', '\n'), "A\r");
    }

    @Test
    void nulIsDropped() {
        assertDecodes(bytes("NO", 0, "OP", 0, 0, "\r\n"), "NOOP");
        assertDecodes(bytes(0, "NOOP\r", '\n', 0, "X\n"), "NOOP", "X");
    }

    @Test
    void crIsPendingAcrossATelnetCommand() {
        // Telnet commands are out of band: CR IAC NOP LF is still a CRLF.
        assertDecodes(bytes("NOOP\r", IAC, NOP, "\n"), "NOOP");
        assertDecodes(bytes("NOOP\r", IAC, DO, 1, "\n"), "NOOP");
    }

    // ---- Telnet IAC ------------------------------------------------------------------

    @Test
    void iacIacIsA0xffDataByte() {
        // UTF-8 never contains 0xFF, so the escaped byte decodes to one U+FFFD; what matters
        // is that exactly one data byte came out (not zero, not two).
        assertDecodes(bytes("A", IAC, IAC, "B\r\n"), "A\uFFFDB");
        assertDecodes(bytes(IAC, IAC, IAC, IAC, "\r\n"), "\uFFFD\uFFFD");
    }

    @Test
    void iacIacInsideAUtf8Name() {
        assertDecodes(bytes("RETR é", IAC, IAC, "ü.txt\r\n"), "RETR é\uFFFDü.txt");
    }

    @Test
    void optionNegotiationsAreRemoved() {
        for (int verb : new int[] {WILL, WONT, DO, DONT}) {
            assertDecodes(bytes("US", IAC, verb, 1, "ER x\r\n"), "USER x");
            // the option byte may look like anything, even CR, LF, IAC
            assertDecodes(bytes("A", IAC, verb, '\n', "B\r\n"), "AB");
            assertDecodes(bytes("A", IAC, verb, '\r', "B\r\n"), "AB");
            assertDecodes(bytes("A", IAC, verb, IAC, "B\r\n"), "AB");
        }
    }

    @Test
    void subNegotiationIsRemoved() {
        assertDecodes(bytes("NO", IAC, SB, 24, 0, "xterm", IAC, SE, "OP\r\n"), "NOOP");
        // inside: an escaped IAC, a LF, a CR and a stray IAC x do not end it; only IAC SE does
        assertDecodes(bytes("NO", IAC, SB, 24, IAC, IAC, '\r', '\n', IAC, NOP, SE, IAC, SE, "OP\r\n"),
                "NOOP");
        // an empty sub-negotiation
        assertDecodes(bytes("A", IAC, SB, IAC, SE, "B\n"), "AB");
    }

    @Test
    void unterminatedSubNegotiationSwallowsEverything() {
        assertDecodes(bytes("A", IAC, SB, "B\r\nC\r\n"));
    }

    @Test
    void twoByteCommandsAreRemoved() {
        for (int cmd : new int[] {GA, EL, EC, AYT, AO, IP, BRK, DM, NOP, SE, 0, 'A', '\r', '\n'}) {
            assertDecodes(bytes("NO", IAC, cmd, "OP\r\n"), "NOOP");
        }
    }

    @Test
    void abortSequenceBeforeAbor() {
        // What clients send to abort a transfer (RFC 959 4.1.3): IAC IP, IAC DM, then ABOR.
        assertDecodes(bytes(IAC, IP, IAC, DM, "ABOR\r\n"), "ABOR");
    }

    @Test
    void telnetCommandInsideAUtf8Sequence() {
        byte[] e = "é".getBytes(StandardCharsets.UTF_8);
        assertEquals(2, e.length);
        assertDecodes(bytes("CWD ", e[0] & 0xFF, IAC, NOP, e[1] & 0xFF, "\r\n"), "CWD é");
        assertDecodes(bytes("CWD ", e[0] & 0xFF, IAC, WILL, 3, e[1] & 0xFF, "\r\n"), "CWD é");
    }

    @Test
    void everyKindOfIacInOneStream() {
        assertDecodes(bytes(IAC, WILL, 1, "US", IAC, WONT, 2, "ER ", IAC, DO, 3, "a", IAC, DONT, 4,
                        IAC, IAC, IAC, SB, 5, 6, IAC, SE, "\r", IAC, AYT, "\n",
                        IAC, IP, IAC, DM, "ABOR\r\n"),
                "USER a\uFFFD", "ABOR");
    }

    // ---- UTF-8 -----------------------------------------------------------------------

    @Test
    void utf8MultibyteSplitAcrossCalls() {
        // 2-, 3- and 4-byte sequences; assertDecodes splits inside each of them.
        assertDecodes(bytes("CWD 日本語/ü😀\r\n"), "CWD 日本語/ü😀");
    }

    @Test
    void malformedUtf8IsReplaced() {
        assertDecodes(bytes("A", 0xC3, "\r\n"), "A\uFFFD");
        assertDecodes(bytes("A", 0x80, "B\r\n"), "A\uFFFDB");
    }

    // ---- the length cap ----------------------------------------------------------------

    @Test
    void lineOfExactlyTheCapIsFine() {
        String max = "x".repeat(CAP);
        assertDecodes(bytes(max, "\r\n"), max);
        assertDecodes(bytes(max, "\n"), max);
        // a data CR counts: CAP-1 bytes + CR + CRLF is exactly the cap
        assertDecodes(bytes("x".repeat(CAP - 1), "\r\r\n"), "x".repeat(CAP - 1) + "\r");
    }

    @Test
    void lineOneOverTheCapIsTooLongOnceAndTheNextLineDecodes() {
        assertDecodes(bytes("x".repeat(CAP + 1), "\r\nNOOP\r\n"), TL, "NOOP");
        assertDecodes(bytes("x".repeat(CAP), "\r\r\nNOOP\r\n"), TL, "NOOP");
        assertDecodes(bytes("x".repeat(3 * CAP), "\nA\nB\n"), TL, "A", "B");
        assertDecodes(bytes("x".repeat(CAP + 1), "\r\n", "y".repeat(CAP + 1), "\r\nok\r\n"),
                TL, TL, "ok");
    }

    @Test
    void telnetCommandsDoNotCountAgainstTheCap() {
        String max = "x".repeat(CAP);
        assertDecodes(bytes(max.substring(0, 10), IAC, DO, 1, IAC, NOP, IAC, SB, "0123456789", IAC, SE,
                max.substring(10), "\r\n"), max);
    }

    @Test
    void tooLongIsTheSentinelInstance() {
        LineDecoder d = new LineDecoder(4);
        ByteBuffer in = ByteBuffer.wrap(bytes("abcdef\r\n<line too long>\r\n"));
        assertSame(LineDecoder.TOO_LONG, d.decode(in));
        // a client may send the sentinel's text; it is an ordinary line
        d = new LineDecoder(100);
        String fake = d.decode(in);
        assertEquals("<line too long>", fake);
        assertNotSame(LineDecoder.TOO_LONG, fake);
    }

    @Test
    void aMebibyteWithoutLfStaysWithinTheCap() {
        int cap = 512;
        LineDecoder d = new LineDecoder(cap);
        byte[] chunk = new byte[8192];
        Arrays.fill(chunk, (byte) 'a');
        for (int sent = 0; sent < 1 << 20; sent += chunk.length) {
            ByteBuffer in = ByteBuffer.wrap(chunk);
            assertNull(d.decode(in));
            assertFalse(in.hasRemaining());
            assertTrue(d.bufferedBytes() <= cap, "bufferedBytes " + d.bufferedBytes());
        }
        ByteBuffer tail = ByteBuffer.wrap(bytes("\r\nNOOP\r\n"));
        assertSame(LineDecoder.TOO_LONG, d.decode(tail));
        assertEquals("NOOP", d.decode(tail));
        assertNull(d.decode(tail));
        assertEquals(0, d.bufferedBytes());
    }

    @Test
    void bufferedBytesCountsThePartialLine() {
        LineDecoder d = new LineDecoder(8);
        assertNull(d.decode(ByteBuffer.wrap(bytes("abc"))));
        assertEquals(3, d.bufferedBytes());
        assertNull(d.decode(ByteBuffer.wrap(bytes(IAC, IAC, "defg"))));
        assertEquals(8, d.bufferedBytes());
        assertNull(d.decode(ByteBuffer.wrap(bytes("h"))));   // passes the cap: nothing kept
        assertEquals(0, d.bufferedBytes());
        assertSame(LineDecoder.TOO_LONG, d.decode(ByteBuffer.wrap(bytes("\n"))));
    }

    @Test
    void capMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new LineDecoder(0));
        assertThrows(IllegalArgumentException.class, () -> new LineDecoder(-1));
    }

    @Test
    void aCapOfOneByte() {
        LineDecoder d = new LineDecoder(1);
        ByteBuffer in = ByteBuffer.wrap(bytes("a\r\nab\r\n\r\nb\n"));
        assertEquals("a", d.decode(in));
        assertSame(LineDecoder.TOO_LONG, d.decode(in));
        assertEquals("", d.decode(in));
        assertEquals("b", d.decode(in));
        assertNull(d.decode(in));
    }

    // ---- random streams: every way of cutting gives the same lines -------------------

    @Test
    void randomStreamsCutAtRandomGiveTheSameLines() {
        // An alphabet dense in the bytes that matter, so that IAC sequences, CR/LF/NUL
        // combinations, UTF-8 fragments and over-long lines all meet each other.
        int[] alphabet = {'a', 'b', ' ', '\r', '\n', 0, IAC, IAC, WILL, DO, SB, SE, IP, NOP,
                0xC3, 0xA9, 0xE6, 0x97, 0xA5};
        Random random = new Random(959);
        for (int round = 0; round < 2000; round++) {
            byte[] input = new byte[random.nextInt(3 * CAP)];
            for (int i = 0; i < input.length; i++) {
                input[i] = (byte) alphabet[random.nextInt(alphabet.length)];
            }
            List<String> whole = decodeCut(input, Kind.HEAP);
            int[] cuts = random.ints(random.nextInt(6), 0, input.length + 1).sorted().toArray();
            Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
            assertEquals(whole, decodeCut(input, kind, cuts),
                    "round " + round + " cuts " + Arrays.toString(cuts) + " " + kind);
            assertEquals(whole, decodeByteByByte(input, Kind.HEAP), "round " + round);
            for (String line : whole) {
                assertFalse(line.indexOf('\0') >= 0 && !line.equals(TL), "NUL in a line");
                assertFalse(line.indexOf('\n') >= 0, "LF in a line");
            }
        }
    }
}

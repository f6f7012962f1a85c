package org.nioftpd.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * TYPE A conversion, without sockets: every input is converted whole, one byte per call,
 * split at every point, through tiny and large output buffers, heap, direct, read-only
 * and offset (sliced) buffers, and each way must give exactly the same bytes.
 */
class AsciiCodecTest {

    private static final byte GUARD = (byte) 0xA5;
    private static final int GUARD_BYTES = 4;

    // ---- buffers -----------------------------------------------------------------------

    private enum Kind { HEAP, DIRECT, READ_ONLY, SLICED }

    /** A source buffer of the given kind holding exactly {@code b[from, to)}. */
    private static ByteBuffer src(Kind kind, byte[] b, int from, int to) {
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
                // arrayOffset() != 0, with LFs and CRs around it that must never be read
                byte[] padded = new byte[part.length + 6];
                Arrays.fill(padded, (byte) '\n');
                padded[2] = '\r';
                System.arraycopy(part, 0, padded, 3, part.length);
                return ByteBuffer.wrap(padded, 3, part.length).slice();
            }
            default:
                throw new AssertionError(kind);
        }
    }

    /**
     * An output buffer whose limit is {@code room}, followed by guard bytes up to its
     * capacity: a converter that writes past the limit is caught by {@link #checkGuard}.
     */
    private static ByteBuffer dst(Kind kind, int room) {
        ByteBuffer d;
        switch (kind) {
            case HEAP:
                d = ByteBuffer.allocate(room + GUARD_BYTES);
                break;
            case DIRECT:
                d = ByteBuffer.allocateDirect(room + GUARD_BYTES);
                break;
            case SLICED: {
                byte[] padded = new byte[room + GUARD_BYTES + 5];
                d = ByteBuffer.wrap(padded, 5, room + GUARD_BYTES).slice();
                break;
            }
            default:
                throw new AssertionError("not an output kind: " + kind);
        }
        for (int i = 0; i < d.capacity(); i++) {
            d.put(i, GUARD);
        }
        d.limit(room);
        return d;
    }

    private static void checkGuard(ByteBuffer d) {
        ByteBuffer whole = d.duplicate().clear();     // absolute get() stops at the limit
        for (int i = d.limit(); i < d.capacity(); i++) {
            assertEquals(GUARD, whole.get(i), "wrote past the limit at " + i);
        }
    }

    /** Moves what dst holds into out and makes dst empty again (limit kept). */
    private static void drain(ByteBuffer d, ByteArrayOutputStream out) {
        int room = d.limit();
        for (int i = 0; i < d.position(); i++) {
            out.write(d.get(i));
        }
        d.position(0).limit(room);
    }

    private static final Kind[] SRC_KINDS = Kind.values();
    private static final Kind[] DST_KINDS = {Kind.HEAP, Kind.DIRECT, Kind.SLICED};

    // ---- drivers: what a transfer does with the codec ------------------------------------

    /** Encodes input cut at {@code cuts} through a dst of {@code room} bytes. */
    private static byte[] encode(byte[] input, int room, Kind sk, Kind dk, int... cuts) {
        AsciiCodec.Encoder enc = new AsciiCodec.Encoder();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer d = dst(dk, room);
        int from = 0;
        for (int c = 0; c <= cuts.length; c++) {
            int to = c < cuts.length ? cuts[c] : input.length;
            ByteBuffer s = src(sk, input, from, to);
            from = to;
            while (s.hasRemaining()) {
                int before = s.position();
                boolean dstWasEmpty = d.position() == 0;
                int n = enc.encode(s, d);
                checkGuard(d);
                assertEquals(s.position() - before, n, "returned count != consumed");
                assertTrue(!s.hasRemaining() || d.remaining() < 2,
                        "stopped with input left and " + d.remaining() + " bytes free");
                if (n == 0 && dstWasEmpty) {
                    fail("no progress with an empty dst of " + room + " bytes");
                }
                if (s.hasRemaining()) {
                    drain(d, out);
                }
            }
        }
        drain(d, out);
        return out.toByteArray();
    }

    /** Decodes input cut at {@code cuts} through a dst of {@code room} bytes, then finishes. */
    private static byte[] decode(String sep, byte[] input, int room, Kind sk, Kind dk, int... cuts) {
        AsciiCodec.Decoder dec = new AsciiCodec.Decoder(sep);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer d = dst(dk, room);
        int from = 0;
        for (int c = 0; c <= cuts.length; c++) {
            int to = c < cuts.length ? cuts[c] : input.length;
            ByteBuffer s = src(sk, input, from, to);
            from = to;
            while (s.hasRemaining()) {
                int before = s.position();
                boolean dstWasEmpty = d.position() == 0;
                int n = dec.decode(s, d);
                checkGuard(d);
                assertEquals(s.position() - before, n, "returned count != consumed");
                // n may be 0 while output was made: a held CR written into the only free byte
                if (n == 0 && dstWasEmpty && d.position() == 0) {
                    fail("no progress with an empty dst of " + room + " bytes");
                }
                if (s.hasRemaining()) {
                    drain(d, out);
                }
            }
        }
        while (!dec.finish(d)) {
            assertEquals(0, d.remaining(), "finish() refused while dst had room");
            drain(d, out);
        }
        checkGuard(d);
        assertTrue(dec.finish(d), "finish() is idempotent");
        drain(d, out);
        return out.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String show(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1).replace("\r", "<CR>").replace("\n", "<LF>");
    }

    /**
     * Encoding {@code in} gives exactly {@code want}: whole, byte by byte, split at every
     * point, through output buffers of 2, 3 and 64 bytes, for every kind of buffer.
     */
    private static void assertEncodes(String in, String want) {
        byte[] input = ascii(in);
        byte[] expected = ascii(want);
        for (Kind sk : SRC_KINDS) {
            for (Kind dk : DST_KINDS) {
                for (int room : new int[] {2, 3, 64}) {
                    String where = sk + "/" + dk + " room " + room;
                    assertEquals(show(expected), show(encode(input, room, sk, dk)), where + " whole");
                    int[] every = new int[Math.max(0, input.length - 1)];
                    Arrays.setAll(every, i -> i + 1);
                    assertEquals(show(expected), show(encode(input, room, sk, dk, every)),
                            where + " byte by byte");
                    for (int i = 0; i <= input.length; i++) {
                        assertEquals(show(expected), show(encode(input, room, sk, dk, i)),
                                where + " split at " + i);
                    }
                }
            }
        }
    }

    /** Same as {@link #assertEncodes} for the decoder, down to a dst that just fits the separator. */
    private static void assertDecodes(String sep, String in, String want) {
        byte[] input = ascii(in);
        byte[] expected = ascii(want);
        for (Kind sk : SRC_KINDS) {
            for (Kind dk : DST_KINDS) {
                int unit = sep.length();              // the biggest output unit
                for (int room : new int[] {unit, Math.max(2, unit), Math.max(3, unit), 64}) {
                    String where = sk + "/" + dk + " room " + room;
                    assertEquals(show(expected), show(decode(sep, input, room, sk, dk)), where + " whole");
                    int[] every = new int[Math.max(0, input.length - 1)];
                    Arrays.setAll(every, i -> i + 1);
                    assertEquals(show(expected), show(decode(sep, input, room, sk, dk, every)),
                            where + " byte by byte");
                    for (int i = 0; i <= input.length; i++) {
                        assertEquals(show(expected), show(decode(sep, input, room, sk, dk, i)),
                                where + " split at " + i);
                    }
                }
            }
        }
    }

    // ---- Encoder: file -> wire ------------------------------------------------------------

    @Test
    void encoderTurnsLfIntoCrlf() {
        assertEncodes("a\nb\n", "a\r\nb\r\n");
        assertEncodes("\n", "\r\n");
        assertEncodes("\n\n\n", "\r\n\r\n\r\n");
        assertEncodes("no line end", "no line end");
        assertEncodes("", "");
    }

    @Test
    void encoderKeepsCrlfAsCrlfNotCrCrlf() {
        assertEncodes("a\r\nb\r\n", "a\r\nb\r\n");
        assertEncodes("\r\n\n\r\n", "\r\n\r\n\r\n");
    }

    @Test
    void encoderKeepsLoneCr() {
        assertEncodes("a\rb\r", "a\rb\r");
        assertEncodes("\r\r\n", "\r\r\n");
        assertEncodes("\r\r\n\n", "\r\r\n\r\n");
    }

    @Test
    void encoderTrickyInputSplitEverywhere() {
        assertEncodes("\nA\r\n\r\r\nB\n\n\rC\r", "\r\nA\r\n\r\r\nB\r\n\r\n\rC\r");
    }

    @Test
    void encoderCarriesTheCrAcrossCalls() {
        AsciiCodec.Encoder enc = new AsciiCodec.Encoder();
        ByteBuffer out = ByteBuffer.allocate(16);
        assertEquals(2, enc.encode(ByteBuffer.wrap(ascii("a\r")), out));
        assertEquals(2, enc.encode(ByteBuffer.wrap(ascii("\nb")), out));
        assertEquals("a<CR><LF>b", show(Arrays.copyOf(out.array(), out.position())));
    }

    @Test
    void encoderNeverSplitsTheCrlfItMakes() {
        AsciiCodec.Encoder enc = new AsciiCodec.Encoder();
        ByteBuffer in = ByteBuffer.wrap(ascii("ab\nc"));
        ByteBuffer out = ByteBuffer.allocate(3);
        assertEquals(2, enc.encode(in, out));           // "ab", then 1 byte free: LF needs 2
        assertEquals(2, in.position());
        assertEquals(2, out.position());
        out.clear();
        assertEquals(2, enc.encode(in, out));           // CRLF + "c"
        assertEquals("<CR><LF>c", show(Arrays.copyOf(out.array(), out.position())));
    }

    @Test
    void encoderWithOneByteFreeStillMovesPlainBytes() {
        AsciiCodec.Encoder enc = new AsciiCodec.Encoder();
        ByteBuffer out = ByteBuffer.allocate(1);
        assertEquals(1, enc.encode(ByteBuffer.wrap(ascii("xy")), out));
        assertEquals('x', out.get(0));
        assertEquals(0, enc.encode(ByteBuffer.wrap(ascii("y")), out));   // full: nothing
    }

    @Test
    void encoderOnAFullDstConsumesNothing() {
        AsciiCodec.Encoder enc = new AsciiCodec.Encoder();
        ByteBuffer in = ByteBuffer.wrap(ascii("\nabc"));
        ByteBuffer out = ByteBuffer.allocate(1);
        assertEquals(0, enc.encode(in, out));
        assertEquals(0, in.position());
        assertEquals(0, out.position());
    }

    // ---- Decoder: wire -> file ------------------------------------------------------------

    @Test
    void decoderTurnsCrlfIntoTheSeparator() {
        assertDecodes("\n", "a\r\nb\r\n", "a\nb\n");
        assertDecodes("\n", "\r\n\r\n", "\n\n");
        assertDecodes("\r\n", "a\r\nb\r\n", "a\r\nb\r\n");
        assertDecodes("<EOL>", "a\r\nb", "a<EOL>b");   // any separator, even a long one
    }

    @Test
    void decoderKeepsLoneCrAndBareLf() {
        assertDecodes("\n", "a\rb", "a\rb");
        assertDecodes("\n", "a\nb", "a\nb");
        assertDecodes("\n", "\r\r\n", "\r\n");
        assertDecodes("\n", "\r\r\r", "\r\r\r");
        assertDecodes("\n", "\n\r", "\n\r");
    }

    @Test
    void decoderTrickyInputSplitEverywhere() {
        assertDecodes("\n", "\r\nA\r\r\n\n\rB\r\r\n\r", "\nA\r\n\n\rB\r\n\r");
        assertDecodes("\r\n", "\r\nA\r\r\n\n\rB\r\r\n\r", "\r\nA\r\r\n\n\rB\r\r\n\r");
    }

    @Test
    void decoderHoldsACrAtTheEndOfAChunk() {
        AsciiCodec.Decoder dec = new AsciiCodec.Decoder("\n");
        ByteBuffer out = ByteBuffer.allocate(16);
        assertEquals(2, dec.decode(ByteBuffer.wrap(ascii("a\r")), out));   // CR consumed, held
        assertEquals(1, out.position());
        assertEquals(2, dec.decode(ByteBuffer.wrap(ascii("\nb")), out));
        assertEquals("a<LF>b", show(Arrays.copyOf(out.array(), out.position())));

        dec = new AsciiCodec.Decoder("\n");
        out.clear();
        dec.decode(ByteBuffer.wrap(ascii("a\r")), out);
        dec.decode(ByteBuffer.wrap(ascii("b")), out);                       // not a LF: CR is data
        assertEquals("a<CR>b", show(Arrays.copyOf(out.array(), out.position())));
    }

    @Test
    void finishWritesTheTrailingCr() {
        AsciiCodec.Decoder dec = new AsciiCodec.Decoder("\n");
        ByteBuffer out = ByteBuffer.allocate(2);
        assertEquals(2, dec.decode(ByteBuffer.wrap(ascii("a\r")), out));
        assertEquals(1, out.position());
        assertTrue(dec.finish(out));
        assertEquals("a<CR>", show(Arrays.copyOf(out.array(), out.position())));
        assertTrue(dec.finish(out));                  // nothing left to write
        assertEquals(2, out.position());
    }

    @Test
    void finishWithNoRoomAsksToBeCalledAgain() {
        AsciiCodec.Decoder dec = new AsciiCodec.Decoder("\n");
        ByteBuffer out = ByteBuffer.allocate(1);
        dec.decode(ByteBuffer.wrap(ascii("a\r")), out);
        assertFalse(dec.finish(out));                 // out is full: "a"
        out.clear();
        assertTrue(dec.finish(out));
        assertEquals('\r', out.get(0));
        assertEquals(1, out.position());
    }

    @Test
    void finishWithoutAHeldCrWritesNothing() {
        AsciiCodec.Decoder dec = new AsciiCodec.Decoder("\n");
        ByteBuffer full = ByteBuffer.allocate(0);
        dec.decode(ByteBuffer.wrap(ascii("a\r\n")), ByteBuffer.allocate(4));
        assertTrue(dec.finish(full));
    }

    @Test
    void decoderStopsWhenTheSeparatorDoesNotFit() {
        AsciiCodec.Decoder dec = new AsciiCodec.Decoder("\r\n");
        ByteBuffer in = ByteBuffer.wrap(ascii("a\r\nb"));
        ByteBuffer out = ByteBuffer.allocate(2);
        assertEquals(2, dec.decode(in, out));         // "a", CR held; LF's CRLF needs 2, 1 free
        assertEquals(2, in.position());
        out.clear();
        assertEquals(1, dec.decode(in, out));         // the LF as CRLF; then out is full
        assertEquals("<CR><LF>", show(Arrays.copyOf(out.array(), out.position())));
        out.clear();
        assertEquals(0, dec.decode(in, ByteBuffer.allocate(0)));
        assertEquals(1, dec.decode(in, out));
        assertEquals('b', out.get(0));
    }

    @Test
    void decoderMayWriteAHeldCrWithoutConsuming() {
        AsciiCodec.Decoder dec = new AsciiCodec.Decoder("\n");
        ByteBuffer in = ByteBuffer.wrap(ascii("a\rb"));
        ByteBuffer out = ByteBuffer.allocate(1);
        assertEquals(2, dec.decode(in, out));         // "a" written, CR held, "b" does not fit
        out.clear();
        assertEquals(0, dec.decode(in, out));         // nothing consumed, but the CR came out
        assertEquals(1, out.position());
        assertEquals('\r', out.get(0));
        out.clear();
        assertEquals(1, dec.decode(in, out));
        assertEquals('b', out.get(0));
    }

    @Test
    void separatorMustBeGiven() {
        assertThrows(NullPointerException.class, () -> new AsciiCodec.Decoder(null));
        assertThrows(IllegalArgumentException.class, () -> new AsciiCodec.Decoder(""));
    }

    // ---- random: round trips and a reference model ----------------------------------------

    /** The obvious whole-array encoder, as an oracle. */
    private static byte[] referenceEncode(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\n' && (i == 0 || in[i - 1] != '\r')) {
                out.write('\r');
            }
            out.write(in[i]);
        }
        return out.toByteArray();
    }

    /** The obvious whole-array decoder to "\n", as an oracle. */
    private static byte[] referenceDecode(byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\r' && i + 1 < in.length && in[i + 1] == '\n') {
                continue;                             // the LF is written on its own turn
            }
            out.write(in[i]);
        }
        return out.toByteArray();
    }

    private static int[] randomCuts(Random random, int length) {
        return random.ints(random.nextInt(8), 0, length + 1).sorted().toArray();
    }

    @Test
    void randomTextWithoutCrSurvivesARoundTrip() {
        Random random = new Random(959);
        for (int round = 0; round < 500; round++) {
            byte[] file = new byte[random.nextInt(2000)];
            for (int i = 0; i < file.length; i++) {
                int b = random.nextInt(4) == 0 ? '\n' : random.nextInt(256);
                file[i] = (byte) (b == '\r' ? 'r' : b);          // no CR in the file
            }
            Kind sk = SRC_KINDS[random.nextInt(SRC_KINDS.length)];
            Kind dk = DST_KINDS[random.nextInt(DST_KINDS.length)];
            byte[] wire = encode(file, 2 + random.nextInt(100), sk, dk, randomCuts(random, file.length));

            int lfs = 0;
            for (byte b : file) {
                lfs += b == '\n' ? 1 : 0;
            }
            assertEquals(file.length + lfs, wire.length, "round " + round);
            for (int i = 0; i < wire.length; i++) {
                if (wire[i] == '\n') {
                    assertTrue(i > 0 && wire[i - 1] == '\r', "bare LF on the wire, round " + round);
                }
            }

            byte[] back = decode("\n", wire, 1 + random.nextInt(100), sk, dk, randomCuts(random, wire.length));
            assertArrayEquals(file, back, "round " + round);
        }
    }

    @Test
    void randomStreamsMatchTheReferenceHoweverCut() {
        byte[] alphabet = ascii("\r\n\r\nab");
        Random random = new Random(2640);
        for (int round = 0; round < 2000; round++) {
            byte[] in = new byte[random.nextInt(64)];
            for (int i = 0; i < in.length; i++) {
                in[i] = alphabet[random.nextInt(alphabet.length)];
            }
            Kind sk = SRC_KINDS[random.nextInt(SRC_KINDS.length)];
            Kind dk = DST_KINDS[random.nextInt(DST_KINDS.length)];
            assertEquals(show(referenceEncode(in)),
                    show(encode(in, 2 + random.nextInt(5), sk, dk, randomCuts(random, in.length))),
                    "encode round " + round + ": " + show(in));
            assertEquals(show(referenceDecode(in)),
                    show(decode("\n", in, 1 + random.nextInt(5), sk, dk, randomCuts(random, in.length))),
                    "decode round " + round + ": " + show(in));
        }
    }

    @Test
    void aCrlfFileComesBackAsLf() {
        // Not a round trip: a file that already has CRLF goes out as CRLF (no CRCRLF) and
        // comes back with the native separator.
        byte[] file = ascii("one\r\ntwo\r\nthree");
        byte[] wire = encode(file, 64, Kind.HEAP, Kind.HEAP);
        assertEquals("one<CR><LF>two<CR><LF>three", show(wire));
        assertEquals("one<LF>two<LF>three", show(decode("\n", wire, 64, Kind.HEAP, Kind.HEAP)));
    }
}

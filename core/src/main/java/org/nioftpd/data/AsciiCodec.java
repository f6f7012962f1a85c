package org.nioftpd.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * TYPE A (ASCII) conversion for data transfers, streaming through bounded buffers.
 *
 * <p>RFC 959 3.1.1.1: in TYPE A the wire carries lines ended by CRLF, whatever the
 * server's files use. A download ({@link Encoder}) turns the file's LF into CRLF; an
 * upload ({@link Decoder}) turns the wire's CRLF back into the local line separator.
 * Only line ends are touched; every other byte passes through unchanged (no character
 * set conversion: a UTF-8 file stays UTF-8).
 *
 * <h2>Why state crosses calls</h2>
 * A transfer moves a file through a fixed buffer, chunk by chunk, and a chunk border can
 * fall between a CR and its LF. Each converter remembers the one fact it needs about the
 * previous chunk (was its last byte a CR?), so the output is the same however the input
 * was cut, and neither converter ever needs more memory than the caller's two buffers.
 *
 * <h2>Output units</h2>
 * A converter writes whole <em>output units</em> or nothing: a plain byte (1 byte), a
 * CRLF made from a LF (2 bytes), a line separator made from a CRLF (1 or 2 bytes). When
 * the next unit does not fit in {@code dst} it stops and leaves the input byte that
 * would produce it in {@code src}; the caller drains {@code dst} and calls again. So
 * {@code dst} must have room for at least 2 bytes (or the separator's length) after
 * draining, or the conversion cannot progress.
 *
 * <h2>Speed</h2>
 * This is the hot path of every ASCII transfer. When both buffers are heap buffers the
 * loops index their backing arrays directly; otherwise (direct or read-only buffers)
 * they use absolute get/put, and positions are written once per call, not per byte.
 *
 * <p>Threading: one converter per transfer, used by the event-loop thread that owns it.
 */
public final class AsciiCodec {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private AsciiCodec() {
    }

    /**
     * File to wire (download, RETR in TYPE A): every LF not already preceded by CR becomes
     * CRLF; a CRLF in the file stays CRLF (never CRCRLF); a lone CR passes unchanged.
     * Carries "last byte was CR" across calls, so a file CRLF split between two chunks is
     * still recognised.
     */
    public static final class Encoder {

        /** The last byte consumed (in this call or an earlier one) was a CR: a LF that
         *  follows it is already the second half of a CRLF and is sent as it is. */
        private boolean lastWasCr;

        /**
         * Converts bytes from src into dst until src is empty or dst cannot take the next
         * output unit (1 byte, or 2 for a LF that becomes CRLF). On return, src is empty or
         * {@code dst.remaining() < 2}. Never splits a CRLF it produces across calls.
         *
         * @return the number of bytes consumed from src
         */
        public int encode(ByteBuffer src, ByteBuffer dst) {
            int sp = src.position();
            final int sl = src.limit();
            int dp = dst.position();
            final int dl = dst.limit();
            final int start = sp;
            boolean cr = lastWasCr;

            if (src.hasArray() && dst.hasArray()) {
                final byte[] s = src.array();
                final byte[] d = dst.array();
                // Work in array coordinates; convert back to buffer positions at the end.
                final int so = src.arrayOffset();
                final int doff = dst.arrayOffset();
                int si = sp + so;
                final int sEnd = sl + so;
                int di = dp + doff;
                final int dEnd = dl + doff;
                while (si < sEnd) {
                    final byte b = s[si];
                    if (b == LF && !cr) {
                        if (dEnd - di < 2) {
                            break;                    // no room for the CRLF: next call
                        }
                        d[di++] = CR;
                        d[di++] = LF;
                    } else {
                        if (di == dEnd) {
                            break;
                        }
                        d[di++] = b;
                    }
                    cr = (b == CR);
                    si++;
                }
                sp = si - so;
                dp = di - doff;
            } else {
                while (sp < sl) {
                    final byte b = src.get(sp);
                    if (b == LF && !cr) {
                        if (dl - dp < 2) {
                            break;
                        }
                        dst.put(dp++, CR);
                        dst.put(dp++, LF);
                    } else {
                        if (dp == dl) {
                            break;
                        }
                        dst.put(dp++, b);
                    }
                    cr = (b == CR);
                    sp++;
                }
            }
            lastWasCr = cr;
            src.position(sp);
            dst.position(dp);
            return sp - start;
        }
    }

    /**
     * Wire to file (upload, STOR/APPE in TYPE A): CRLF becomes the native line separator
     * given to the constructor; a CR not followed by LF is kept; a bare LF is kept as it
     * is; every other byte passes unchanged.
     *
     * <p>A CR that is the last byte of a chunk cannot be decided yet (is a LF coming?), so
     * it is consumed and <em>held</em> - written nowhere - until the next byte decides.
     * At end of stream call {@link #finish(ByteBuffer)} to write a held CR.
     */
    public static final class Decoder {

        private final byte[] separator;

        /** A CR was consumed and not yet written: the next byte decides whether it is the
         *  first half of a CRLF (write the separator) or a data CR (write the CR). */
        private boolean heldCr;

        /**
         * @param nativeLineSeparator what a wire CRLF becomes in the file: "\n" on Unix;
         *                            pass {@code System.lineSeparator()}
         */
        public Decoder(String nativeLineSeparator) {
            Objects.requireNonNull(nativeLineSeparator, "nativeLineSeparator");
            if (nativeLineSeparator.isEmpty()) {
                throw new IllegalArgumentException("empty line separator");
            }
            this.separator = nativeLineSeparator.getBytes(StandardCharsets.ISO_8859_1);
        }

        /**
         * Converts bytes from src into dst until src is empty or dst cannot take the next
         * output unit (1 byte, or the separator for a CRLF). A CR at the end of src is
         * consumed and held (see {@link #finish}).
         *
         * <p>The result can be 0 although output was made: a held CR that turns out to be
         * data may be written into the last free byte of dst before the byte that decided
         * it is consumed. So a caller's loop should test {@code src.hasRemaining()} and
         * {@code dst.position()}, not {@code result > 0}.
         *
         * @return the number of bytes consumed from src
         */
        public int decode(ByteBuffer src, ByteBuffer dst) {
            int sp = src.position();
            final int sl = src.limit();
            int dp = dst.position();
            final int dl = dst.limit();
            final int start = sp;
            final byte[] sep = separator;
            final int sepLen = sep.length;
            boolean held = heldCr;

            if (src.hasArray() && dst.hasArray()) {
                final byte[] s = src.array();
                final byte[] d = dst.array();
                final int so = src.arrayOffset();
                final int doff = dst.arrayOffset();
                int si = sp + so;
                final int sEnd = sl + so;
                int di = dp + doff;
                final int dEnd = dl + doff;
                while (si < sEnd) {
                    final byte b = s[si];
                    if (held) {
                        if (b == LF) {                // CR LF -> separator, consumes the LF
                            if (dEnd - di < sepLen) {
                                break;
                            }
                            for (int k = 0; k < sepLen; k++) {
                                d[di++] = sep[k];
                            }
                            held = false;
                            si++;
                            continue;
                        }
                        // The held CR was data: write it, then look at b again (not consumed).
                        if (di == dEnd) {
                            break;
                        }
                        d[di++] = CR;
                        held = false;
                        continue;
                    }
                    if (b == CR) {
                        held = true;                  // consumed, written later
                    } else {
                        if (di == dEnd) {
                            break;
                        }
                        d[di++] = b;
                    }
                    si++;
                }
                sp = si - so;
                dp = di - doff;
            } else {
                while (sp < sl) {
                    final byte b = src.get(sp);
                    if (held) {
                        if (b == LF) {
                            if (dl - dp < sepLen) {
                                break;
                            }
                            for (int k = 0; k < sepLen; k++) {
                                dst.put(dp++, sep[k]);
                            }
                            held = false;
                            sp++;
                            continue;
                        }
                        if (dp == dl) {
                            break;
                        }
                        dst.put(dp++, CR);
                        held = false;
                        continue;
                    }
                    if (b == CR) {
                        held = true;
                    } else {
                        if (dp == dl) {
                            break;
                        }
                        dst.put(dp++, b);
                    }
                    sp++;
                }
            }
            heldCr = held;
            src.position(sp);
            dst.position(dp);
            return sp - start;
        }

        /**
         * At end of stream: writes a held CR, if any (the stream ended with a CR, which
         * therefore was data).
         *
         * @return true when done; false if dst had no room (drain it and call again)
         */
        public boolean finish(ByteBuffer dst) {
            if (!heldCr) {
                return true;
            }
            if (!dst.hasRemaining()) {
                return false;
            }
            dst.put(CR);
            heldCr = false;
            return true;
        }
    }
}

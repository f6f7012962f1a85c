package org.nioftpd.fs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One listing line as the bytes that go on the wire, built in a byte array
 * that is reused from line to line.
 *
 * <p>Why not a StringBuilder: a listing of 10,000 entries built each line as
 * a String and then encoded it with {@code getBytes}, two allocations and two
 * copies per entry for text that is ASCII but for the name. Here the fixed
 * parts and the numbers go in as bytes, and the name is encoded to UTF-8 in
 * place (RFC 2640), byte for byte as {@code String.getBytes(UTF_8)} would.
 *
 * <p>Not thread-safe: one per listing, used by the thread that fills it.
 */
public final class LineBuffer {

    private byte[] bytes;
    private int length;

    public LineBuffer() {
        this(128);
    }

    public LineBuffer(int capacity) {
        bytes = new byte[Math.max(capacity, 16)];
    }

    /** Forgets the line, keeping the array. */
    public void clear() {
        length = 0;
    }

    /** Bytes in the line. */
    public int length() {
        return length;
    }

    /** Room for {@code n} more bytes; the array doubles, so a long name costs a few copies once. */
    private void ensure(int n) {
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
        }
    }

    /** One character below 0x80 (the caller's promise: fixed text, digits, punctuation). */
    public LineBuffer ascii(char c) {
        ensure(1);
        bytes[length++] = (byte) c;
        return this;
    }

    /** Text of characters below 0x80 only, such as the fixed parts of a line. */
    public LineBuffer ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[length + i] = (byte) s.charAt(i);
        }
        length += n;
        return this;
    }

    /**
     * {@code s} in UTF-8, the same bytes as {@code s.getBytes(UTF_8)}: a
     * surrogate pair becomes one 4-byte sequence, and a surrogate without its
     * other half becomes '?', the JDK's replacement when encoding.
     */
    public LineBuffer utf8(String s) {
        int n = s.length();
        ensure(n);
        int i = 0;
        // the common case, a name all in ASCII: one byte per char, room already made
        while (i < n) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                break;
            }
            bytes[length++] = (byte) c;
            i++;
        }
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                ensure(1);
                bytes[length++] = (byte) c;
            } else if (c < 0x800) {
                ensure(2);
                bytes[length++] = (byte) (0xC0 | c >> 6);
                bytes[length++] = (byte) (0x80 | c & 0x3F);
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                bytes[length++] = (byte) (0xF0 | cp >> 18);
                bytes[length++] = (byte) (0x80 | cp >> 12 & 0x3F);
                bytes[length++] = (byte) (0x80 | cp >> 6 & 0x3F);
                bytes[length++] = (byte) (0x80 | cp & 0x3F);
            } else if (Character.isSurrogate(c)) {
                ensure(1);
                bytes[length++] = '?';
            } else {
                ensure(3);
                bytes[length++] = (byte) (0xE0 | c >> 12);
                bytes[length++] = (byte) (0x80 | c >> 6 & 0x3F);
                bytes[length++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return this;
    }

    /** {@code v} in decimal, as {@link Long#toString(long)} writes it. */
    public LineBuffer decimal(long v) {
        return padded(v, 0);
    }

    /** {@code v} in decimal, right-aligned with spaces in {@code width} characters (wider if it must be). */
    public LineBuffer padded(long v, int width) {
        if (v < 0) {
            // never for sizes read from a file system; Long.MIN_VALUE has no positive counterpart
            String s = Long.toString(v);
            spaces(width - s.length());
            return ascii(s);
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        spaces(width - digits);
        return lastDigits(v, digits);
    }

    /** {@code v} (0 or more) in exactly {@code width} decimal digits, zeros in front: a date field. */
    public LineBuffer zeroPadded(int v, int width) {
        return lastDigits(v, width);
    }

    /** The last {@code n} decimal digits of {@code v} (0 or more), zeros in front if it has fewer. */
    private LineBuffer lastDigits(long v, int n) {
        ensure(n);
        length += n;
        for (int i = length - 1; i >= length - n; i--) {
            bytes[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return this;
    }

    /** {@code v} (0 or more) in octal, as {@link Integer#toOctalString(int)} writes it. */
    public LineBuffer octal(int v) {
        int digits = 1;
        for (int t = v >>> 3; t != 0; t >>>= 3) {
            digits++;
        }
        ensure(digits);
        length += digits;
        for (int i = length - 1; i >= length - digits; i--) {
            bytes[i] = (byte) ('0' + (v & 7));
            v >>>= 3;
        }
        return this;
    }

    private void spaces(int n) {
        if (n > 0) {
            ensure(n);
            Arrays.fill(bytes, length, length + n, (byte) ' ');
            length += n;
        }
    }

    /**
     * Puts bytes {@code from..length()} of the line into {@code dst}, as many
     * as fit, and returns how many: the caller keeps the offset and carries
     * the rest of a line that did not fit over to the next buffer.
     */
    public int putInto(ByteBuffer dst, int from) {
        int n = Math.min(dst.remaining(), length - from);
        dst.put(bytes, from, n);
        return n;
    }

    /** The line decoded back to text, for replies on the control connection (STAT, MLST). */
    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}

package org.nioftpd.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The line's bytes against what the JDK writes for the same text and numbers. */
class LineBufferTest {

    private static byte[] bytes(LineBuffer line) {
        ByteBuffer b = ByteBuffer.allocate(line.length());
        line.putInto(b, 0);
        return b.array();
    }

    private static void assertUtf8(String s) {
        LineBuffer line = new LineBuffer(16);
        line.utf8(s);
        assertArrayEquals(s.getBytes(StandardCharsets.UTF_8), bytes(line), () -> "utf8 of " + escaped(s));
    }

    private static String escaped(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(c -> sb.append(String.format("\\u%04x", c)));
        return sb.toString();
    }

    @Test
    void utf8AsGetBytes() {
        assertUtf8("");
        assertUtf8("plain.txt");
        assertUtf8("répertoire €");
        assertUtf8("日本.txt");
        assertUtf8("\u007f\u0080\u07ff\u0800\uffff");
        assertUtf8("emoji \ud83d\ude00 and more");
        assertUtf8("\ud83d"); // a high surrogate alone, at the end
        assertUtf8("\ude00x"); // a low surrogate alone
        assertUtf8("\ud83d\ud83d\ude00"); // a lone high, then a pair
        assertUtf8("\ufffd replaced");
        assertUtf8("x".repeat(1000) + "é".repeat(1000)); // grows past the first array several times
    }

    @Test
    void utf8AsGetBytesForRandomText() {
        Random random = new Random(3);
        char[] pool = {'a', 'Z', '0', ' ', '\u00e9', '\u07ff', '\u0800', '\u20ac', '\ud83d', '\ude00', '\udbff', '\udfff',
            '\ufffd', '\uffff', '\u0000', '\u007f'};
        for (int i = 0; i < 20_000; i++) {
            char[] s = new char[random.nextInt(40)];
            for (int j = 0; j < s.length; j++) {
                s[j] = random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : pool[random.nextInt(pool.length)];
            }
            assertUtf8(new String(s));
        }
    }

    @Test
    void numbersAsTheJdkWritesThem() {
        long[] values = {0, 1, 9, 10, 99, 100, 12_345, 999_999_999_999L, 1_000_000_000_000L, Long.MAX_VALUE, -1,
            -12_345, Long.MIN_VALUE};
        for (long v : values) {
            LineBuffer line = new LineBuffer();
            line.decimal(v).ascii('|').padded(v, 12);
            assertEquals(Long.toString(v) + "|" + String.format("%12d", v), line.toString());
        }
        Random random = new Random(11);
        for (int i = 0; i < 10_000; i++) {
            long v = random.nextLong() >>> random.nextInt(64);
            LineBuffer line = new LineBuffer();
            line.padded(v, 12);
            assertEquals(String.format("%12d", v), line.toString());
        }
    }

    @Test
    void octalAndZeroPadded() {
        for (int mode : new int[] {0, 1, 7, 8, 0644, 0755, 07777, Integer.MAX_VALUE}) {
            assertEquals(Integer.toOctalString(mode), new LineBuffer().octal(mode).toString());
        }
        assertEquals("0007|2024|59", new LineBuffer().zeroPadded(7, 4).ascii('|').zeroPadded(2024, 4).ascii('|')
                .zeroPadded(59, 2).toString());
    }

    /** A line put into buffers smaller than itself comes out whole, in order. */
    @Test
    void putIntoCarriesTheRestOfALine() {
        LineBuffer line = new LineBuffer();
        line.ascii("-rw-r--r-- ").utf8("日本.txt").ascii("\r\n");
        byte[] expected = bytes(line);
        for (int size = 1; size <= expected.length; size++) {
            ByteBuffer all = ByteBuffer.allocate(expected.length);
            int sent = 0;
            while (sent < line.length()) {
                ByteBuffer small = ByteBuffer.allocate(size);
                sent += line.putInto(small, sent);
                all.put(small.flip());
            }
            assertArrayEquals(expected, Arrays.copyOf(all.array(), all.position()), "buffers of " + size);
        }
    }
}

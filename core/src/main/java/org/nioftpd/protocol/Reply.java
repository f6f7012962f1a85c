package org.nioftpd.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reply formatting, RFC 959 section 4.2.
 *
 * <p>A single-line reply is {@code "226 Transfer complete\r\n"}. A multi-line
 * reply opens with the code and a hyphen and closes with the code and a space:
 * <pre>
 * 211-Features:
 *  MDTM
 *  SIZE
 * 211 End
 * </pre>
 * Lines in between must not look like the closing line, so each starts with a
 * space (which is also what RFC 2389 asks of FEAT).
 */
public final class Reply {

    private Reply() {
    }

    /** One reply as wire bytes; a text with newlines becomes a multi-line reply. */
    public static byte[] encode(int code, String text) {
        if (text.indexOf('\n') < 0) {
            return (code + " " + strip(text) + "\r\n").getBytes(StandardCharsets.UTF_8);
        }
        String[] lines = text.split("\n", -1);
        return encode(code, lines[0], List.of(lines).subList(1, lines.length - 1), lines[lines.length - 1]);
    }

    /** {@code code-first}, each body line indented by one space, then {@code code last}. */
    public static byte[] encode(int code, String first, List<String> body, String last) {
        StringBuilder sb = new StringBuilder(64 + body.size() * 32);
        sb.append(code).append('-').append(strip(first)).append("\r\n");
        for (String line : body) {
            sb.append(' ').append(strip(line)).append("\r\n");
        }
        sb.append(code).append(' ').append(strip(last)).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A reply line must not carry a bare CR or LF of its own: a file name with
     * a newline in it would otherwise let a client inject reply lines.
     */
    static String strip(String s) {
        if (s.indexOf('\r') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return s.replace("\r", "").replace('\n', ' ');
    }

    /** Quotes a path for 257 replies: enclosed in {@code "}, an embedded {@code "} doubled (RFC 959 appendix II). */
    public static String quotePath(String path) {
        return '"' + path.replace("\"", "\"\"") + '"';
    }
}

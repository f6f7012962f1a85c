package org.nioftpd.extension;

import java.util.List;
import java.util.Objects;

/**
 * An extension command's reply: a code and one line, or several (sent as a
 * multi-line reply, RFC 959 4.2).
 *
 * @param code  100 to 599
 * @param lines at least one, none with a line break
 */
public record Response(int code, List<String> lines) {

    public Response {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("reply code out of range: " + code);
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply has at least one line");
        }
        for (String l : lines) {
            if (l.indexOf('\r') >= 0 || l.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("a reply line has no line break");
            }
        }
    }

    public static Response of(int code, String text) {
        return new Response(code, List.of(Objects.requireNonNull(text)));
    }

    public static Response of(int code, String... lines) {
        return new Response(code, List.of(lines));
    }
}

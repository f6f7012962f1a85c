package org.nioftpd.extension;

import java.util.Objects;

/**
 * A hook's verdict: {@link #ALLOW}, or a refusal with the reply the client
 * gets instead of the command ({@code Veto.of(553, "No .exe files here.")}).
 */
public final class Veto {

    /** Let the command run. */
    public static final Veto ALLOW = new Veto(0, "");

    private final int code;
    private final String text;

    private Veto(int code, String text) {
        this.code = code;
        this.text = text;
    }

    /**
     * Refuses the command with reply {@code code} (a 4xx or 5xx) and {@code text} (one line).
     *
     * @throws IllegalArgumentException if the code is not 400 to 599, or the text has a line break
     */
    public static Veto of(int code, String text) {
        Objects.requireNonNull(text, "text");
        if (code < 400 || code > 599) {
            throw new IllegalArgumentException("a veto replies 4xx or 5xx, not " + code);
        }
        if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a veto's text is one line");
        }
        return new Veto(code, text);
    }

    public boolean allowed() {
        return code == 0;
    }

    /** The reply code; 0 for {@link #ALLOW}. */
    public int code() {
        return code;
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return allowed() ? "ALLOW" : "Veto[" + code + " " + text + "]";
    }
}

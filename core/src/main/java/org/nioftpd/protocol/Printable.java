package org.nioftpd.protocol;

/**
 * The one place that decides which characters of a client's text may not be
 * shown as they are, and what shows instead: names in listings, text in
 * logs, an unknown verb echoed in a reply.
 *
 * <ul>
 * <li>Control characters (C0, DEL, C1): a CR or LF would end a listing line
 *     or a log line early and let a client forge the next one; others move
 *     a terminal's cursor or change its colours. New names containing one
 *     are refused (553); existing ones are listed with each control
 *     character as {@code ?}, as {@code ls -q} shows them (RFC 3659 2.2
 *     allows converting or omitting a name that cannot be sent as is).</li>
 * <li>Bidirectional formatting characters (U+202A to U+202E, U+2066 to
 *     U+2069, U+200E, U+200F, U+061C): in a log they reorder what follows
 *     on the line ("Trojan Source"), so a user name can make a line read
 *     differently from what it says. Logs show them as {@code ?}; file names
 *     keep them (right-to-left scripts use the marks legitimately).</li>
 * </ul>
 */
public final class Printable {

    private Printable() {
    }

    /** C0 controls, DEL and C1 controls. */
    public static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /** Characters that change the direction of the text after them. */
    public static boolean isBidiControl(char c) {
        return (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200e' || c == '\u200f' || c == '\u061c';
    }

    /** True if {@code s} holds a control character: not allowed in a new name. */
    public static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** {@code name} with each control character as '?', for a listing; {@code name} itself when it has none. */
    public static String name(String name) {
        if (!hasControl(name)) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(isControl(c) ? '?' : c);
        }
        return sb.toString();
    }

    /** {@code s} for a log line: control and bidirectional characters as '?'. */
    public static String forLog(String s) {
        return forLog(s, Integer.MAX_VALUE);
    }

    /** The same, cut to {@code max} characters. */
    public static String forLog(String s, int max) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max));
        appendForLog(sb, s, max);
        return sb.toString();
    }

    /** Appends {@code s} to {@code sb} as {@link #forLog(String, int)} would return it. */
    public static void appendForLog(StringBuilder sb, String s, int max) {
        for (int i = 0; i < s.length() && i < max; i++) {
            char c = s.charAt(i);
            sb.append(isControl(c) || isBidiControl(c) ? '?' : c);
        }
    }
}

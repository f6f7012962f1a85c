package org.nioftpd.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command's argument at runs of spaces, as {@code text.split(" +", limit)} does, without
 * compiling a regular expression for every line: {@code TYPE I} arrives once per file from many
 * clients (Python's ftplib sends it before every transfer), and a per-command {@code Pattern}
 * was compiled, matched and JIT-compiled on that path.
 */
public final class Words {

    private Words() {
    }

    /**
     * The same array as {@code text.split(" +", limit)}: with {@code limit > 0} at most that many
     * parts, the last holding the rest of the text as it is; with {@code limit <= 0} every part,
     * trailing empty parts dropped when {@code limit == 0}. A text without a space is one part.
     */
    public static String[] split(String text, int limit) {
        List<String> parts = null;
        int start = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (text.charAt(i) != ' ') {
                i++;
                continue;
            }
            if (limit > 0 && (parts == null ? 0 : parts.size()) == limit - 1) {
                break;
            }
            int end = i;
            while (i < n && text.charAt(i) == ' ') {
                i++;
            }
            if (parts == null) {
                parts = new ArrayList<>(4);
            }
            parts.add(text.substring(start, end));
            start = i;
        }
        if (parts == null) {
            return new String[] {text};
        }
        parts.add(text.substring(start));
        int size = parts.size();
        if (limit == 0) {
            while (size > 0 && parts.get(size - 1).isEmpty()) {
                size--;
            }
        }
        return parts.subList(0, size).toArray(new String[0]);
    }

    /** {@link #split(String, int)} with no limit, trailing empty parts dropped. */
    public static String[] split(String text) {
        return split(text, 0);
    }
}

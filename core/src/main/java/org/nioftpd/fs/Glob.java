package org.nioftpd.fs;

/**
 * The wildcards of LIST and NLST: {@code *} (any run of characters) and
 * {@code ?} (one character), in the last path component only.
 *
 * <p>Client patterns never reach a backtracking regex engine, where
 * {@code a*a*a*a*a*a*b} takes exponential time. This matcher remembers only
 * the last star: on a mismatch it retries from one character further after
 * that star, and never revisits an earlier one. That is correct for
 * {@code *} and {@code ?} (an earlier star can always absorb what a later
 * one would), and costs at most pattern length times name length steps:
 * with both capped, a bounded amount of work per directory entry.
 */
public final class Glob {

    /** Longest pattern accepted; longer ones are refused before any matching. */
    public static final int MAX_PATTERN = 255;

    private Glob() {
    }

    public static boolean hasWildcards(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
    }

    public static boolean matches(String pattern, String name) {
        int p = 0;
        int n = 0;
        int star = -1;       // position in the pattern just after the last '*' seen
        int starMatch = 0;   // where in the name that star's match currently ends
        while (n < name.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == name.charAt(n))) {
                p++;
                n++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                star = ++p;
                starMatch = n;
            } else if (star >= 0) {
                p = star;
                n = ++starMatch; // let the last star swallow one more character
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }
}

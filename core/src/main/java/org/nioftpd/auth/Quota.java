package org.nioftpd.auth;

import java.util.Locale;

/**
 * Limits on what a user may keep under a quota root ({@code /} or a mount):
 * 0 means no limit.
 *
 * @param maxBytes    bytes of all files together
 * @param maxFiles    number of files
 * @param maxFileSize bytes of any one file
 */
public record Quota(long maxBytes, long maxFiles, long maxFileSize) {

    public Quota {
        if (maxBytes < 0 || maxFiles < 0 || maxFileSize < 0) {
            throw new IllegalArgumentException("quota limits cannot be negative");
        }
    }

    /**
     * Parses the words of a {@code quota} value after its path: a size alone
     * is the bytes limit; {@code bytes=SIZE}, {@code files=N},
     * {@code max-file=SIZE}. Sizes take K, M, G or T (powers of 1024).
     */
    public static Quota parse(String[] words, int from) {
        long bytes = 0;
        long files = 0;
        long maxFile = 0;
        if (from >= words.length) {
            throw new IllegalArgumentException("quota needs a limit: SIZE, files=N or max-file=SIZE");
        }
        for (int i = from; i < words.length; i++) {
            String w = words[i];
            int eq = w.indexOf('=');
            String key = eq < 0 ? "bytes" : w.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? w : w.substring(eq + 1);
            switch (key) {
                case "bytes" -> bytes = size(value);
                case "files" -> files = count(value);
                case "max-file" -> maxFile = size(value);
                default -> throw new IllegalArgumentException("unknown quota limit '" + key
                        + "' (SIZE, bytes=SIZE, files=N, max-file=SIZE)");
            }
        }
        return new Quota(bytes, files, maxFile);
    }

    /** 100M, 2G, 1048576, 1T: bytes, with K, M, G, T as powers of 1024; 0 is "none". */
    public static long size(String value) {
        String v = value.strip().toUpperCase(Locale.ROOT);
        if (v.endsWith("B")) {
            v = v.substring(0, v.length() - 1);
        }
        long multiplier = 1;
        if (!v.isEmpty()) {
            int shift = switch (v.charAt(v.length() - 1)) {
                case 'K' -> 10;
                case 'M' -> 20;
                case 'G' -> 30;
                case 'T' -> 40;
                default -> 0;
            };
            if (shift > 0) {
                multiplier = 1L << shift;
                v = v.substring(0, v.length() - 1);
            }
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("not a size: '" + value + "' (e.g. 100M, 2G, 1048576)");
        }
    }

    private static long count(String value) {
        try {
            long n = Long.parseLong(value.strip());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a count: '" + value + "'");
        }
    }

    /** As the configuration writes it. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (maxBytes > 0) {
            sb.append("bytes=").append(maxBytes);
        }
        if (maxFiles > 0) {
            sb.append(sb.isEmpty() ? "" : " ").append("files=").append(maxFiles);
        }
        if (maxFileSize > 0) {
            sb.append(sb.isEmpty() ? "" : " ").append("max-file=").append(maxFileSize);
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }
}

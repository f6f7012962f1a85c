package org.nioftpd.fs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The shapes a directory entry takes on the wire. Times are in UTC, as RFC
 * 3659 requires for MLSD and MDTM; LIST uses UTC too, so that the two agree.
 */
public enum ListFormat {

    /** {@code ls -l} form, which every client parses: {@code -rw-r--r--   1 ftp ftp  1234 Nov 24 07:17 name}. */
    LIST {
        @Override
        public void append(StringBuilder sb, FileInfo f, boolean writable, long nowMillis) {
            sb.append(f.isDirectory() ? 'd' : f.kind() == FileInfo.Kind.FILE ? '-' : '?');
            appendPermissions(sb, f.mode() >= 0 ? f.mode() : (f.isDirectory() ? 0755 : 0644));
            sb.append("    1 ftp      ftp      ");
            String size = Long.toString(f.size());
            for (int i = size.length(); i < 12; i++) {
                sb.append(' ');
            }
            sb.append(size).append(' ');
            // ls: month, day and time for the last six months, month, day and year otherwise
            long age = nowMillis - f.modifiedMillis();
            boolean recent = age >= -3600_000L && age < 182L * 24 * 3600_000L;
            (recent ? RECENT : OLD).formatTo(Instant.ofEpochMilli(f.modifiedMillis()), sb);
            sb.append(' ').append(f.name()).append("\r\n");
        }
    },

    /** Bare names, one a line (RFC 959 NLST). */
    NLST {
        @Override
        public void append(StringBuilder sb, FileInfo f, boolean writable, long nowMillis) {
            sb.append(f.name()).append("\r\n");
        }
    },

    /** Machine-readable facts (RFC 3659 section 7): {@code type=file;size=12;modify=20261124071700;perm=r; name}. */
    MLSD {
        @Override
        public void append(StringBuilder sb, FileInfo f, boolean writable, long nowMillis) {
            appendFacts(sb, f, writable, f.isDirectory() ? "dir" : f.kind() == FileInfo.Kind.FILE ? "file" : "OS.unix=other");
            sb.append(' ').append(f.name()).append("\r\n");
        }
    };

    private static final DateTimeFormatter RECENT =
            DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter OLD =
            DateTimeFormatter.ofPattern("MMM dd  yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /** RFC 3659 time-val: YYYYMMDDHHMMSS in UTC. */
    public static final DateTimeFormatter TIME_VAL =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** Appends one entry, CRLF included. */
    public abstract void append(StringBuilder sb, FileInfo f, boolean writable, long nowMillis);

    /** The MLST/MLSD facts of {@code f}, each followed by ';' (no name). */
    public static void appendFacts(StringBuilder sb, FileInfo f, boolean writable, String type) {
        sb.append("type=").append(type).append(';');
        if (!f.isDirectory()) {
            sb.append("size=").append(f.size()).append(';');
        }
        sb.append("modify=");
        TIME_VAL.formatTo(Instant.ofEpochMilli(f.modifiedMillis()), sb);
        sb.append(';');
        sb.append("perm=").append(perm(f, writable)).append(';');
        if (f.fileKey() != null) {
            // The JDK's Unix file key prints as "(dev=803,ino=1234)": keep its letters and digits.
            sb.append("unique=");
            String key = f.fileKey().toString();
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (Character.isLetterOrDigit(c)) {
                    sb.append(c);
                }
            }
            sb.append(';');
        }
        if (f.mode() >= 0) {
            sb.append("unix.mode=0").append(Integer.toOctalString(f.mode())).append(';');
        }
    }

    private static String perm(FileInfo f, boolean writable) {
        if (f.isDirectory()) {
            return writable ? "elcmdfp" : "el";
        }
        return writable ? "radfw" : "r";
    }

    private static void appendPermissions(StringBuilder sb, int mode) {
        String rwx = "rwx";
        for (int bit = 8; bit >= 0; bit--) {
            sb.append((mode & (1 << bit)) != 0 ? rwx.charAt((8 - bit) % 3) : '-');
        }
    }
}

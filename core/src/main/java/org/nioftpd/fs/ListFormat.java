package org.nioftpd.fs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The shapes a directory entry takes on the wire. Times are in UTC, as RFC
 * 3659 requires for MLSD and MDTM; LIST uses UTC too, so that the two agree.
 */
public enum ListFormat {

    /** {@code ls -l} form, which every client parses: {@code -rw-r--r--   1 ftp ftp  1234 Nov 24 07:17 name}. */
    LIST {
        @Override
        public void append(StringBuilder sb, FileInfo f, boolean writable, long nowMillis, Set<Fact> facts) {
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
        public void append(StringBuilder sb, FileInfo f, boolean writable, long nowMillis, Set<Fact> facts) {
            sb.append(f.name()).append("\r\n");
        }
    },

    /** Machine-readable facts (RFC 3659 section 7): {@code type=file;size=12;modify=20261124071700;perm=r; name}. */
    MLSD {
        @Override
        public void append(StringBuilder sb, FileInfo f, boolean writable, long nowMillis, Set<Fact> facts) {
            appendFacts(sb, f, writable, f.isDirectory() ? "dir" : f.kind() == FileInfo.Kind.FILE ? "file" : "OS.unix=other",
                    facts);
            sb.append(' ').append(f.name()).append("\r\n");
        }
    };

    private static final DateTimeFormatter RECENT =
            DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter OLD =
            DateTimeFormatter.ofPattern("MMM dd  yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    /** Reads a time-val (MFMT) strictly: no lenient roll-over of a 13th month. */
    public static final DateTimeFormatter TIME_VAL_PARSER =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss", Locale.ROOT)
                    .withResolverStyle(java.time.format.ResolverStyle.STRICT);
    /** RFC 3659 time-val: YYYYMMDDHHMMSS in UTC. */
    public static final DateTimeFormatter TIME_VAL =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** The facts MLST and MLSD can give (RFC 3659 section 7.5), in FEAT order. */
    public enum Fact {
        TYPE("type"), SIZE("size"), MODIFY("modify"), PERM("perm"), UNIQUE("unique"), UNIX_MODE("unix.mode");

        public final String key;

        Fact(String key) {
            this.key = key;
        }

        public static Fact byKey(String key) {
            for (Fact f : values()) {
                if (f.key.equalsIgnoreCase(key)) {
                    return f;
                }
            }
            return null;
        }
    }

    /** Every fact: what a session gives until OPTS MLST says otherwise. */
    public static final Set<Fact> ALL_FACTS = Collections.unmodifiableSet(EnumSet.allOf(Fact.class));

    /** Appends one entry, CRLF included; {@code facts} matters to MLSD only. */
    public abstract void append(StringBuilder sb, FileInfo f, boolean writable, long nowMillis, Set<Fact> facts);

    /** The selected MLST/MLSD facts of {@code f}, each followed by ';' (no name). */
    public static void appendFacts(StringBuilder sb, FileInfo f, boolean writable, String type, Set<Fact> facts) {
        if (facts.contains(Fact.TYPE)) {
            sb.append("type=").append(type).append(';');
        }
        if (facts.contains(Fact.SIZE) && !f.isDirectory()) {
            sb.append("size=").append(f.size()).append(';');
        }
        if (facts.contains(Fact.MODIFY)) {
            sb.append("modify=");
            TIME_VAL.formatTo(Instant.ofEpochMilli(f.modifiedMillis()), sb);
            sb.append(';');
        }
        if (facts.contains(Fact.PERM)) {
            sb.append("perm=").append(perm(f, writable)).append(';');
        }
        if (facts.contains(Fact.UNIQUE) && f.fileKey() != null) {
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
        if (facts.contains(Fact.UNIX_MODE) && f.mode() >= 0) {
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

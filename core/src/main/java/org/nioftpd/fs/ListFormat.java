package org.nioftpd.fs;

import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The shapes a directory entry takes on the wire. Times are in UTC, as RFC
 * 3659 requires for MLSD and MDTM; LIST uses UTC too, so that the two agree.
 *
 * <p>Each entry is written as the bytes sent ({@link LineBuffer}, dates by
 * {@link UtcDates}): a listing formats one line per directory entry, and a
 * String, its bytes and a date formatter's objects per line were nearly half
 * of what listing a large directory allocated. (The time is mostly the one
 * lstat per entry, which every server pays; see {@link FileInfo#read}.)
 */
public enum ListFormat {

    /** {@code ls -l} form, which every client parses: {@code -rw-r--r--   1 ftp ftp  1234 Nov 24 07:17 name}. */
    LIST,

    /** Bare names, one a line (RFC 959 NLST). */
    NLST,

    /** Machine-readable facts (RFC 3659 section 7): {@code type=file;size=12;modify=20261124071700;perm=r; name}. */
    MLSD;

    /**
     * Appends one entry, CRLF included, as the bytes sent; {@code facts} matters to MLSD only.
     * One method and a switch rather than a body per constant: the call a listing makes per entry
     * then has one target, and the JIT's code for it does not change (and get compiled again)
     * each time a server's listings alternate between LIST and MLSD.
     */
    public void append(LineBuffer out, FileInfo f, boolean writable, long nowMillis, Set<Fact> facts) {
        switch (this) {
            case LIST -> appendList(out, f, nowMillis);
            case NLST -> out.utf8(f.name()).ascii("\r\n");
            case MLSD -> {
                appendFacts(out, f, writable,
                        f.isDirectory() ? "dir" : f.kind() == FileInfo.Kind.FILE ? "file" : "OS.unix=other", facts);
                out.ascii(' ').utf8(f.name()).ascii("\r\n");
            }
            default -> throw new AssertionError(this);
        }
    }

    private static void appendList(LineBuffer out, FileInfo f, long nowMillis) {
        out.ascii(f.isDirectory() ? 'd' : f.kind() == FileInfo.Kind.FILE ? '-' : '?');
        appendPermissions(out, f.mode() >= 0 ? f.mode() : (f.isDirectory() ? 0755 : 0644));
        out.ascii("    1 ftp      ftp      ").padded(f.size(), 12).ascii(' ');
        // ls: month, day and time for the last six months, month, day and year otherwise
        long age = nowMillis - f.modifiedMillis();
        boolean recent = age >= -3600_000L && age < 182L * 24 * 3600_000L;
        if (recent) {
            UtcDates.recent(out, f.modifiedMillis());
        } else {
            UtcDates.old(out, f.modifiedMillis());
        }
        out.ascii(' ').utf8(f.name()).ascii("\r\n");
    }

    /** Reads a time-val (MFMT) strictly: no lenient roll-over of a 13th month. */
    public static final DateTimeFormatter TIME_VAL_PARSER =
            DateTimeFormatter.ofPattern("uuuuMMddHHmmss", Locale.ROOT)
                    .withResolverStyle(java.time.format.ResolverStyle.STRICT);
    /**
     * RFC 3659 time-val: YYYYMMDDHHMMSS in UTC, for MDTM (one date a command).
     * Listings write the same text by arithmetic, one date an entry ({@link UtcDates}).
     */
    public static final DateTimeFormatter TIME_VAL = UtcDates.TIME_VAL;

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

    /** The selected MLST/MLSD facts of {@code f}, each followed by ';' (no name). */
    public static void appendFacts(LineBuffer out, FileInfo f, boolean writable, String type, Set<Fact> facts) {
        // every session starts with ALL_FACTS (until OPTS MLST): then no set is asked, per entry
        boolean all = facts == ALL_FACTS;
        if (all || facts.contains(Fact.TYPE)) {
            out.ascii("type=").ascii(type).ascii(';');
        }
        if ((all || facts.contains(Fact.SIZE)) && !f.isDirectory()) {
            out.ascii("size=").decimal(f.size()).ascii(';');
        }
        if (all || facts.contains(Fact.MODIFY)) {
            out.ascii("modify=");
            UtcDates.timeVal(out, f.modifiedMillis());
            out.ascii(';');
        }
        if (all || facts.contains(Fact.PERM)) {
            out.ascii("perm=").ascii(perm(f, writable)).ascii(';');
        }
        if ((all || facts.contains(Fact.UNIQUE)) && f.fileKey() != null) {
            // The JDK's Unix file key prints as "(dev=803,ino=1234)": keep its letters and digits.
            out.ascii("unique=");
            String key = f.fileKey().toString();
            for (int i = 0; i < key.length(); i++) {
                char c = key.charAt(i);
                if (c < 0x80 && Character.isLetterOrDigit(c)) {
                    out.ascii(c);
                } else if (Character.isLetterOrDigit(c)) {
                    out.utf8(String.valueOf(c)); // another provider's key; a surrogate is no letter
                }
            }
            out.ascii(';');
        }
        if ((all || facts.contains(Fact.UNIX_MODE)) && f.mode() >= 0) {
            out.ascii("unix.mode=0").octal(f.mode()).ascii(';');
        }
    }

    private static String perm(FileInfo f, boolean writable) {
        if (f.isDirectory()) {
            return writable ? "elcmdfp" : "el";
        }
        return writable ? "radfw" : "r";
    }

    private static void appendPermissions(LineBuffer out, int mode) {
        String rwx = "rwx";
        for (int bit = 8; bit >= 0; bit--) {
            out.ascii((mode & (1 << bit)) != 0 ? rwx.charAt((8 - bit) % 3) : '-');
        }
    }
}

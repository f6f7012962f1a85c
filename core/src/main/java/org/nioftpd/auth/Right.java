package org.nioftpd.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What a user may do under a path of its tree (see {@link FolderPolicy}). A
 * rule on a path holds for everything below it until a deeper rule says
 * otherwise.
 */
public enum Right {
    /** See the directory's entries and their metadata: LIST, NLST, MLSD, MLST, STAT, SIZE, MDTM. */
    LIST,
    /** Download: RETR, and the checksums (HASH, XCRC...). */
    READ,
    /** Store a new file: STOR or APPE of a name that does not exist, STOU. */
    CREATE,
    /** Replace an existing file: STOR over it, REST + STOR into it, RNTO onto it. */
    OVERWRITE,
    /** APPE to an existing file. */
    APPEND,
    /** DELE. */
    DELETE,
    /** RNFR and RNTO (both ends). */
    RENAME,
    /** MKD. */
    MKDIR,
    /** RMD. */
    RMDIR,
    /** SITE CHMOD. */
    CHMOD,
    /** MFMT: set a file's modification time. */
    TIMES;

    /** Everything: a read-write user's rights. */
    public static final Set<Right> ALL = Set.copyOf(EnumSet.allOf(Right.class));
    /** A read-only user's rights. */
    public static final Set<Right> READ_ONLY = Set.copyOf(EnumSet.of(LIST, READ));
    /** A drop box: new files only, nothing listed, read or replaced. */
    public static final Set<Right> UPLOAD_ONLY = Set.copyOf(EnumSet.of(CREATE));

    /** The rights that change something. */
    public boolean writes() {
        return this != LIST && this != READ;
    }

    /**
     * The rights a word of a {@code rights} line names: a right in lower case,
     * or {@code write} (create and overwrite), {@code all}, {@code none},
     * {@code read-only} ({@code ro}), {@code read-write} ({@code rw}),
     * {@code upload-only}.
     */
    public static Set<Right> named(String word) {
        String w = word.toLowerCase(Locale.ROOT);
        return switch (w) {
            case "write" -> EnumSet.of(CREATE, OVERWRITE);
            case "all", "read-write", "rw" -> EnumSet.allOf(Right.class);
            case "none" -> EnumSet.noneOf(Right.class);
            case "read-only", "ro" -> EnumSet.of(LIST, READ);
            case "upload-only" -> EnumSet.of(CREATE);
            default -> {
                for (Right r : values()) {
                    if (r.name().toLowerCase(Locale.ROOT).equals(w)) {
                        yield EnumSet.of(r);
                    }
                }
                throw new IllegalArgumentException("unknown right '" + word + "' (list, read, write, create,"
                        + " overwrite, append, delete, rename, mkdir, rmdir, chmod, times, all, none, read-only,"
                        + " upload-only, hidden)");
            }
        };
    }
}

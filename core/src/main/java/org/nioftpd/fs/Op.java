package org.nioftpd.fs;

/**
 * What a command does to the paths it names: its column in the command table.
 * Before a handler runs, the protocol interpreter tells the session's
 * {@link FileSystemView} the command's {@code Op}; every path the handler then
 * resolves is checked against the user's rights there, for that op. So the
 * check cannot be forgotten by a handler: it is made where paths are resolved.
 */
public enum Op {
    /** Names no path (TYPE, PASV, FEAT...): resolving one is refused. */
    NONE,
    /** Goes to a directory or asks about space there (CWD, CDUP, AVBL): allowed wherever the path is visible. */
    NAVIGATE,
    /** Reads entries or metadata: {@link org.nioftpd.auth.Right#LIST}. */
    LIST,
    /** Reads a file's bytes: {@link org.nioftpd.auth.Right#READ}. */
    READ,
    /** STOR: CREATE for a new name, OVERWRITE for an existing one. */
    STORE,
    /** STOU: CREATE. */
    STORE_UNIQUE,
    /** APPE: APPEND to an existing file, CREATE for a new name. */
    APPEND,
    /** DELE: DELETE. */
    DELETE,
    /** RNFR and RNTO: RENAME at both ends, and OVERWRITE when RNTO's target exists. */
    RENAME,
    /** MKD: MKDIR. */
    MKDIR,
    /** RMD: RMDIR. */
    RMDIR,
    /** SITE CHMOD: CHMOD. */
    CHMOD,
    /** MFMT: TIMES. */
    TIMES;

    /** True for the ops that write: a user with no write right anywhere is refused them (550) at once. */
    public boolean writes() {
        return ordinal() >= STORE.ordinal();
    }
}

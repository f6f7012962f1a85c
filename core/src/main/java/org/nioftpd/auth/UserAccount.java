package org.nioftpd.auth;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A logged-in user: the name, the directory served to it as {@code /},
 * whether it may change anything there, and its limits.
 *
 * @param uploadOnly a directory (virtual path, e.g. "/incoming") where a
 *                   read-only user may upload new files but neither list
 *                   nor download: a drop box; null for none
 */
public record UserAccount(String name, Path home, boolean writable, boolean anonymous, Limits limits,
                          String uploadOnly) {

    /**
     * Per-user limits, shared by all of the user's sessions; 0 means none.
     *
     * @param downloadBytesPerSecond the user's download rate, all sessions together
     * @param uploadBytesPerSecond   the user's upload rate, all sessions together
     * @param maxSessions            sessions the user may have open at once
     */
    public record Limits(long downloadBytesPerSecond, long uploadBytesPerSecond, int maxSessions) {
        public static final Limits NONE = new Limits(0, 0, 0);
    }

    public UserAccount {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(limits, "limits");
    }

    /** A named user without limits. */
    public UserAccount(String name, Path home, boolean writable) {
        this(name, home, writable, false, Limits.NONE, null);
    }
}

package org.nioftpd.auth;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A logged-in user: the name, the directory served to it as {@code /},
 * whether it may change anything there, and its limits.
 *
 * @param uploadOnly a directory (virtual path, e.g. "/incoming") where a
 *                   read-only user may upload new files but neither list
 *                   nor download: a drop box; null for none (a shorthand for the
 *                   {@link FolderPolicy} rule {@code rights = DIR upload-only})
 * @param folders    mounts, rights per path and quotas beyond {@code home} and
 *                   {@code writable} (which give the rights on {@code /})
 */
public record UserAccount(String name, Path home, boolean writable, boolean anonymous, Limits limits,
                          String uploadOnly, FolderPolicy folders) {

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
        Objects.requireNonNull(folders, "folders");
    }

    /** An account with no folders beyond its home. */
    public UserAccount(String name, Path home, boolean writable, boolean anonymous, Limits limits,
                       String uploadOnly) {
        this(name, home, writable, anonymous, limits, uploadOnly, FolderPolicy.NONE);
    }

    /** The same account with {@code policy} under its own folder lines (the server's lines, merged). */
    public UserAccount withServerFolders(FolderPolicy policy) {
        return policy.isEmpty() ? this
                : new UserAccount(name, home, writable, anonymous, limits, uploadOnly, policy.merge(folders));
    }

    /** A named user without limits. */
    public UserAccount(String name, Path home, boolean writable) {
        this(name, home, writable, false, Limits.NONE, null);
    }
}

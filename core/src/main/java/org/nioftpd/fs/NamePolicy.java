package org.nioftpd.fs;

import java.util.List;
import java.util.Objects;

/**
 * Which names a user may not see, and which it may not touch at all: the
 * one rule {@link FileSystemView} applies to every path it resolves and
 * every directory it lists, so that no command can get around it.
 *
 * <ul>
 * <li>A <em>denied</em> name is left out of every listing and refused (550)
 *     by every command that names it, or names anything below it: RETR,
 *     STOR, CWD, RNFR, RNTO, DELE, SIZE, MLST, STAT, HASH... (vsftpd's
 *     {@code deny_file}). Dot files ({@code .ssh}, {@code .git},
 *     {@code .env}) are denied by default.</li>
 * <li>A <em>hidden</em> name is left out of listings but may be used by a
 *     client that knows it (vsftpd's {@code hide_file}).</li>
 * </ul>
 *
 * Names are matched one path component at a time, against both the path
 * the client wrote and the real path under the root after links are
 * followed: a link {@code keys -> .ssh} is refused like {@code .ssh}.
 * Patterns are {@link Glob}s ({@code *} and {@code ?}), never a backtracking
 * matcher. Immutable; any thread.
 */
public final class NamePolicy {

    /** Who may see and use names that start with '.'. */
    public enum DotFiles {
        /** Nobody: hidden and refused to everyone (the default). */
        DENY,
        /** Named users; anonymous never. */
        USERS,
        /** Everyone, anonymous included (what pyftpdlib does). */
        ALL
    }

    /** Dot files denied to everyone; no other pattern. */
    public static final NamePolicy DEFAULT = new NamePolicy(DotFiles.DENY, List.of(), List.of());

    /** No rule at all. */
    public static final NamePolicy NONE = new NamePolicy(DotFiles.ALL, List.of(), List.of());

    private final DotFiles dotFiles;
    private final List<String> hide;
    private final List<String> deny;

    private NamePolicy(DotFiles dotFiles, List<String> hide, List<String> deny) {
        this.dotFiles = dotFiles;
        this.hide = hide;
        this.deny = deny;
    }

    /**
     * @param hide patterns of names left out of listings
     * @param deny patterns of names hidden and refused
     * @throws IllegalArgumentException for an empty pattern, one with a '/',
     *                                  or one longer than {@link Glob#MAX_PATTERN}
     */
    public static NamePolicy of(DotFiles dotFiles, List<String> hide, List<String> deny) {
        return new NamePolicy(Objects.requireNonNull(dotFiles), checked(hide), checked(deny));
    }

    private static List<String> checked(List<String> patterns) {
        for (String p : patterns) {
            if (p.isEmpty() || p.indexOf('/') >= 0 || p.indexOf('\0') >= 0 || p.length() > Glob.MAX_PATTERN) {
                throw new IllegalArgumentException("a name pattern is one file name with * and ?, no '/': '"
                        + p + "'");
            }
        }
        return List.copyOf(patterns);
    }

    /** The rule for one user: {@link DotFiles#USERS} becomes DENY for anonymous, ALL for the others. */
    public NamePolicy forUser(boolean anonymous) {
        if (dotFiles != DotFiles.USERS) {
            return this;
        }
        return new NamePolicy(anonymous ? DotFiles.DENY : DotFiles.ALL, hide, deny);
    }

    public DotFiles dotFiles() {
        return dotFiles;
    }

    public List<String> hidePatterns() {
        return hide;
    }

    public List<String> denyPatterns() {
        return deny;
    }

    /** Whether a name may not be used at all (one path component). */
    public boolean denied(String name) {
        // USERS not yet narrowed by forUser: the safe reading
        if (dotFiles != DotFiles.ALL && name.startsWith(".")) {
            return true;
        }
        return matchesAny(deny, name);
    }

    /** Whether a name is left out of listings: hidden or denied. */
    public boolean hidden(String name) {
        return denied(name) || matchesAny(hide, name);
    }

    private static boolean matchesAny(List<String> patterns, String name) {
        for (String p : patterns) {
            if (Glob.matches(p, name)) {
                return true;
            }
        }
        return false;
    }

    /** True when nothing is hidden or denied. */
    public boolean isEmpty() {
        return dotFiles == DotFiles.ALL && hide.isEmpty() && deny.isEmpty();
    }

    /** One phrase for a log line: {@code dot files hidden and refused to everyone; --hide *.tmp}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(switch (dotFiles) {
            case DENY -> "dot files hidden and refused to everyone";
            case USERS -> "dot files hidden and refused to anonymous, open to named users";
            case ALL -> "dot files served";
        });
        if (!hide.isEmpty()) {
            sb.append("; hidden: ").append(String.join(" ", hide));
        }
        if (!deny.isEmpty()) {
            sb.append("; refused: ").append(String.join(" ", deny));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}

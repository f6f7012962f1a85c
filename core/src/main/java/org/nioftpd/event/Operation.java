package org.nioftpd.event;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * One operation a client asked for and how it ended: the event behind audit
 * logs, upload scripts and webhooks. Reported through
 * {@link FtpEvents#operation} once the operation's final reply is sent (a
 * transfer's 226 or 426, a DELE's 250 or 550...).
 *
 * @param kind           what it was
 * @param verb           the FTP verb that asked for it ({@code STOR}, {@code SITE}...)
 * @param client         the client's address
 * @param user           the user name; for a failed {@link Kind#LOGIN} the name tried
 * @param path           the virtual path it acted on ({@code /in/a.txt}), or null if none (LOGIN, LOGOUT,
 *                       a SITE command without one); for a rename the old name
 * @param targetPath     a rename's new virtual path, else null
 * @param file           the file on disk for {@code path} (as resolved under the user's root), or null
 * @param targetFile     the file on disk for {@code targetPath}, or null
 * @param replyCode      the final reply: 2xx done; 4xx or 5xx failed; 0 for a {@link Kind#LOGOUT} by a closed
 *                       connection rather than by QUIT
 * @param bytes          bytes moved on the data connection (transfers and listings), else 0
 * @param startMillis    when the command came (epoch milliseconds)
 * @param durationMillis from the command to its final reply
 */
public record Operation(Kind kind, String verb, InetSocketAddress client, String user, String path,
                        String targetPath, String file, String targetFile, int replyCode, long bytes,
                        long startMillis, long durationMillis) {

    /** What a client did. */
    public enum Kind {
        LOGIN, LOGOUT, LIST, DOWNLOAD, UPLOAD, DELETE, MKDIR, RMDIR, RENAME, CHMOD, MFMT, SITE
    }

    public Operation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(verb, "verb");
    }

    /** Whether it succeeded: a 1xx, 2xx or 3xx final reply. */
    public boolean ok() {
        return replyCode > 0 && replyCode < 400;
    }
}

package org.nioftpd.event;

import java.net.InetSocketAddress;

/**
 * What happened on the server, for logs, audit and metrics. Called on the
 * session's event-loop thread: an implementation must be quick and must not
 * block (hand slow work, such as a remote log shipper, to a queue).
 */
public interface FtpEvents {

    /** A control connection was admitted. */
    default void connected(InetSocketAddress client) {
    }

    /**
     * A connection was refused before any session began: by the address
     * rules (no greeting at all), a ban or a session cap (421). Every refusal
     * is told, though the server logs one line per address per minute.
     *
     * @param reason {@code address rules}, {@code banned}, or the 421's text
     */
    default void refused(InetSocketAddress client, String reason) {
    }

    /** A user logged in. */
    default void loggedIn(InetSocketAddress client, String user, boolean anonymous) {
    }

    /** A login failed (unknown user and wrong password are not told apart). */
    default void loginFailed(InetSocketAddress client, String user) {
    }

    /** A control connection closed; {@code user} is null if nobody logged in. */
    default void disconnected(InetSocketAddress client, String user) {
    }

    /** Something failed that should not have: a local I/O error on a command, a connection that broke. */
    default void error(InetSocketAddress client, String what) {
    }

    /**
     * A command got its final reply, {@code nanos} after its line began to run
     * (for RETR, STOR, LIST..., after the data and the 226). {@code command} is
     * the command table's name (aliases folded, e.g. XPWD is PWD). Called for
     * every command: keep it cheap (the server's own latency histograms are a
     * few lock-free counters).
     */
    default void commandCompleted(InetSocketAddress client, String command, int replyCode, long nanos) {
    }

    /** A file transfer ended, well or not. Listings are not file transfers and are not reported. */
    default void transferred(TransferRecord record) {
    }

    /**
     * An operation ended (a login, a transfer, a listing, a delete, a rename, a SITE command...),
     * with its outcome: see {@link Operation}. Reported after {@link #transferred} for a transfer.
     */
    default void operation(Operation op) {
    }

    /**
     * Whether {@link #operation} does anything: true when this listener's class overrides it. A
     * session builds no {@link Operation} (its paths resolved, its strings made) for a server
     * whose listeners ignore operations, as a daemon without actions or a webhook does.
     */
    default boolean wantsOperations() {
        return OperationListeners.overridden(getClass());
    }

    /**
     * One file transfer, with what the xferlog format needs.
     *
     * @param startMillis    when it started (epoch ms)
     * @param durationMillis how long it took
     * @param client         the client's address
     * @param bytes          bytes moved on the data connection
     * @param path           the file as the client named it (virtual path)
     * @param file           the file on disk (real path)
     * @param ascii          TYPE A (true) or TYPE I
     * @param incoming       upload (true) or download
     * @param user           the user name
     * @param anonymous      whether the user is anonymous
     * @param complete       whether it completed
     */
    record TransferRecord(long startMillis, long durationMillis, InetSocketAddress client, long bytes, String path,
                          String file, boolean ascii, boolean incoming, String user, boolean anonymous,
                          boolean complete) {
    }

    /** Listens to nothing. */
    FtpEvents NONE = new FtpEvents() {
    };

    /**
     * One listener that tells each of {@code listeners}, in order, of every
     * event: the one fan-out, used by the server for its counters beside the
     * embedder's listener and by the daemon for its logs. {@link #NONE}s are
     * dropped; a single listener is returned as it is.
     */
    static FtpEvents fanOut(FtpEvents... listeners) {
        java.util.List<FtpEvents> all = java.util.Arrays.stream(listeners).filter(l -> l != NONE).toList();
        if (all.isEmpty()) {
            return NONE;
        }
        if (all.size() == 1) {
            return all.get(0);
        }
        return new FtpEvents() {
            @Override
            public void connected(InetSocketAddress client) {
                all.forEach(e -> e.connected(client));
            }

            @Override
            public void refused(InetSocketAddress client, String reason) {
                all.forEach(e -> e.refused(client, reason));
            }

            @Override
            public void loggedIn(InetSocketAddress client, String user, boolean anonymous) {
                all.forEach(e -> e.loggedIn(client, user, anonymous));
            }

            @Override
            public void loginFailed(InetSocketAddress client, String user) {
                all.forEach(e -> e.loginFailed(client, user));
            }

            @Override
            public void disconnected(InetSocketAddress client, String user) {
                all.forEach(e -> e.disconnected(client, user));
            }

            @Override
            public void error(InetSocketAddress client, String what) {
                all.forEach(e -> e.error(client, what));
            }

            @Override
            public void commandCompleted(InetSocketAddress client, String command, int replyCode, long nanos) {
                for (FtpEvents e : all) {
                    e.commandCompleted(client, command, replyCode, nanos);
                }
            }

            @Override
            public void transferred(TransferRecord record) {
                all.forEach(e -> e.transferred(record));
            }

            private final boolean operations = all.stream().anyMatch(FtpEvents::wantsOperations);

            @Override
            public void operation(Operation op) {
                all.forEach(e -> e.operation(op));
            }

            @Override
            public boolean wantsOperations() {
                return operations;
            }
        };
    }
}

package org.nioftpd;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * One live session as monitoring sees it ({@link FtpServer#sessions()}): an
 * immutable snapshot taken on the session's own loop thread, so every field
 * of one record belongs to the same instant. It holds no reference to the
 * session: keeping a snapshot keeps nothing of a closed session alive.
 *
 * @param id       the server-unique session id (what {@link FtpServer#kick} matches first)
 * @param user     the logged-in user, or null before login
 * @param client   the client: the socket's peer, or the address a PROXY header gave
 * @param listener the local address the client connected to
 * @param since    when the control connection was admitted
 * @param idle     time since the last command or, while a transfer runs, since it last moved a byte
 * @param command  the last command line, arguments included ({@code PASS ****}), printable; null before any
 * @param tls      whether the control connection is TLS
 * @param transfer the file transfer in hand, or null (listings are not shown as file transfers)
 */
public record SessionInfo(String id, String user, InetSocketAddress client, InetSocketAddress listener,
                          Instant since, Duration idle, String command, boolean tls, Transfer transfer) {

    /**
     * A file transfer in flight.
     *
     * @param file          the file as the client named it (virtual path)
     * @param upload        true for STOR, APPE, STOU; false for RETR
     * @param bytes         bytes moved on the data connection so far
     * @param size          bytes the transfer will move when known (a binary RETR), else -1
     * @param started       when the data connection was ready and bytes began to move
     * @param bytesPerSecond the average rate since {@code started}
     */
    public record Transfer(String file, boolean upload, long bytes, long size, Instant started,
                           double bytesPerSecond) {

        /** Done share, 0.0 to 1.0, or -1 when the size is not known. */
        public double progress() {
            return size <= 0 ? (size == 0 ? 1.0 : -1) : Math.min(1.0, (double) bytes / size);
        }
    }
}

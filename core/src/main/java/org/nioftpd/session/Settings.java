package org.nioftpd.session;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.nioftpd.FtpEvents;
import org.nioftpd.auth.Authenticator;
import org.nioftpd.fs.NamePolicy;
import org.nioftpd.tls.TlsConfig;

/**
 * What every session of one server shares, fixed at start. Built by
 * {@code FtpServer.Builder}; read-only afterwards, so any loop may read it.
 *
 * @param authenticator      decides logins
 * @param workers            a small pool for CPU-heavy work (password hashes, checksums), off the loops
 * @param passiveLow         lowest passive port (default 49152)
 * @param passiveHigh        highest passive port
 * @param passiveAddress     the address PASV announces, or null for the control connection's own
 * @param idleTimeout        control connection idle, no transfer running
 * @param dataTimeout        a data connection that moves no byte for this long is closed
 * @param acceptTimeout      how long a passive listener or an active connect waits
 * @param failedLoginDelay   how long a wrong password waits before its 530
 * @param maxLoginFailures   failures before the session is closed with 421
 * @param maxLineBytes       longest command line
 * @param allowForeignData   whether the data connection may go to or come from another address than the control's
 * @param banner             the text of the 220 greeting
 * @param loginTimeout       how long a connection may take to log in
 * @param admission          session caps and failed-login bans, shared by all loops
 * @param events             told of logins, transfers, disconnects (on the loop thread)
 * @param users              per-user session counts and rate limits, and the server's rate limits
 * @param tls                FTPS (RFC 4217): the TLS context and policy, or null when TLS is not configured
 * @param names              names hidden from or refused to users (dot files by default), narrowed per user at login
 */
public record Settings(Authenticator authenticator, Executor workers,
                       int passiveLow, int passiveHigh, InetAddress passiveAddress,
                       Duration idleTimeout, Duration dataTimeout, Duration acceptTimeout,
                       Duration failedLoginDelay, int maxLoginFailures, int maxLineBytes,
                       boolean allowForeignData, String banner, Duration loginTimeout, Admission admission,
                       FtpEvents events, UserRegistry users, TlsConfig tls, NamePolicy names) {
}

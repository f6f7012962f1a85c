package org.nioftpd.session;

import java.time.Duration;
import java.util.concurrent.Executor;
import org.nioftpd.auth.Authenticator;
import org.nioftpd.data.DataPolicy;
import org.nioftpd.data.PassiveAddresses;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.fs.NamePolicy;
import org.nioftpd.tls.TlsConfig;

/**
 * What every session of one server shares: its policies, fixed at start, and
 * its services (the authenticator, the worker pool, admission, per-user
 * limits, the events listener), which are thread-safe. Built by the server's
 * composition root; any loop may read it. Grouped into small typed records,
 * so that no two settings of the same type stand side by side to be swapped.
 *
 * @param authenticator  decides logins
 * @param workers        the interactive lane: a small pool for short work off the loops that a client is
 *                       waiting on (password checks, upload commits, TLS handshake tasks, temporary sweeps)
 * @param passiveAddresses the address PASV announces, by the client's network (the listener's own rules)
 * @param control        the control connection's policy
 * @param login          the login policy
 * @param data           the data connections' policy
 * @param admission      session caps and failed-login bans, shared by all loops
 * @param events         told of logins, transfers, disconnects (on the loop thread)
 * @param users          per-user session counts and rate limits, and the server's rate limits
 * @param tls            FTPS (RFC 4217): the TLS context and policy, or null when TLS is not configured
 * @param names          names hidden from or refused to users (dot files by default), narrowed per user at login
 * @param guards         limits against hostile load (MODE Z expansion, path depth) and the temporary-file sweeper
 * @param bulkWorkers    the bulk lane: a pool of its own for checksums (HASH, XSHA256...), which may read
 *                       gigabytes, so that a flood of them never delays a login, a commit or a handshake
 * @param checksums      how many checksums an address may run, and how many bytes one may hash
 * @param storage        the storage pool: a fixed number of threads and a bounded queue where every call to
 *                       a store other than the local disk runs (stat, list, open, read, write, rename,
 *                       delete, close), posting its result back to the session's loop
 */
public record ServerContext(Authenticator authenticator, Executor workers, PassiveAddresses passiveAddresses,
                            ControlPolicy control, LoginPolicy login, DataPolicy data, Admission admission,
                            FtpEvents events, UserLimits users, TlsConfig tls,
                            Guards guards, NamePolicy names, Executor bulkWorkers, ChecksumLimits checksums,
                            Executor storage) {

    /** The same server's context for a listener with its own passive addresses. */
    public ServerContext withPassiveAddresses(PassiveAddresses p) {
        return new ServerContext(authenticator, workers, p, control, login, data, admission, events, users, tls,
                guards, names, bulkWorkers, checksums, storage);
    }

    /**
     * @param idleTimeout  control connection idle, no transfer running
     * @param maxLineBytes longest command line
     * @param banner       the text of the 220 greeting
     */
    public record ControlPolicy(Duration idleTimeout, int maxLineBytes, String banner) {
    }

    /**
     * @param loginTimeout     how long a connection may take to log in
     * @param failedLoginDelay how long a wrong password waits before its 530
     * @param maxLoginFailures failures before the session is closed with 421
     */
    public record LoginPolicy(Duration loginTimeout, Duration failedLoginDelay, int maxLoginFailures) {
    }
}

package org.nioftpd.server;

import java.net.InetSocketAddress;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.protocol.Printable;

/**
 * One concise log line per session event, through {@code System.Logger}:
 * client address and user, never a password.
 * <pre>
 * connect 127.0.0.1:50312
 * login 127.0.0.1:50312 alice
 * login failed 127.0.0.1:50312 mallory
 * disconnect 127.0.0.1:50312 alice
 * error 127.0.0.1:50312 control connection: java.io.IOException: Connection reset by peer
 * </pre>
 */
final class EventLog implements FtpEvents {

    private static final System.Logger LOG = System.getLogger("org.nioftpd.session");

    @Override
    public void connected(InetSocketAddress client) {
        if (!LOG.isLoggable(System.Logger.Level.INFO)) {
            return; // no line: no address formatted, no fields built (per connection, per transfer)
        }
        LOG.log(System.Logger.Level.INFO, "connect {0}", address(client),
                Logging.Fields.of("event", "connect", "client", address(client)));
    }

    @Override
    public void loggedIn(InetSocketAddress client, String user, boolean anonymous) {
        if (!LOG.isLoggable(System.Logger.Level.INFO)) {
            return; // no line: no address formatted, no fields built (per connection, per transfer)
        }
        LOG.log(System.Logger.Level.INFO, "login {0} {1}{2}", address(client), printable(user),
                anonymous ? " (anonymous)" : "", Logging.Fields.of("event", "login", "client", address(client),
                        "user", printable(user), "anonymous", anonymous));
    }

    @Override
    public void loginFailed(InetSocketAddress client, String user) {
        if (!LOG.isLoggable(System.Logger.Level.WARNING)) {
            return; // no line: no address formatted, no fields built (per connection, per transfer)
        }
        LOG.log(System.Logger.Level.WARNING, "login failed {0} {1}", address(client), printable(user),
                Logging.Fields.of("event", "login failed", "client", address(client), "user", printable(user)));
    }

    @Override
    public void disconnected(InetSocketAddress client, String user) {
        if (!LOG.isLoggable(System.Logger.Level.INFO)) {
            return; // no line: no address formatted, no fields built (per connection, per transfer)
        }
        LOG.log(System.Logger.Level.INFO, "disconnect {0} {1}", address(client), user == null ? "-" : printable(user),
                Logging.Fields.of("event", "disconnect", "client", address(client),
                        "user", user == null ? null : printable(user)));
    }

    @Override
    public void error(InetSocketAddress client, String what) {
        if (!LOG.isLoggable(System.Logger.Level.WARNING)) {
            return; // no line: no address formatted, no fields built (per connection, per transfer)
        }
        LOG.log(System.Logger.Level.WARNING, "error {0} {1}", address(client), printable(what),
                Logging.Fields.of("event", "error", "client", address(client)));
    }

    @Override
    public void transferred(TransferRecord r) {
        if (!LOG.isLoggable(System.Logger.Level.DEBUG)) {
            return; // no line: no address formatted, no fields built (per connection, per transfer)
        }
        LOG.log(System.Logger.Level.DEBUG, "{0} {1} {2} {3} bytes {4}", r.incoming() ? "upload" : "download",
                address(r.client()), printable(r.path()), Long.toString(r.bytes()), r.complete() ? "complete" : "incomplete",
                Logging.Fields.of("event", r.incoming() ? "upload" : "download", "client", address(r.client()),
                        "user", r.user() == null ? null : printable(r.user()), "path", printable(r.path()),
                        "bytes", r.bytes(),
                        "complete", r.complete()));
    }

    private static String address(InetSocketAddress a) {
        return Logging.address(a);
    }

    /** A user name is the client's text: keep it on one line of the log. */
    private static String printable(String s) {
        return Printable.forLog(s, 128);
    }
}

package org.nioftpd.command;

import java.io.IOException;
import org.nioftpd.auth.Authenticator;
import org.nioftpd.auth.InMemoryAuthenticator;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.session.Session;

/** USER, PASS, ACCT, REIN, QUIT: RFC 959 section 4.1.1. */
final class LoginCommands {

    private static final System.Logger LOG = System.getLogger(LoginCommands.class.getName());

    private LoginCommands() {
    }

    /** Always 331, whether or not the user exists: the reply must not tell names apart (RFC 2577). */
    static void user(Session s, String name) {
        if (s.loggedIn()) {
            s.reply(530, "Already logged in; send REIN to log in again.");
            return;
        }
        if (s.tls() != null && s.tls().required() && !s.controlSecure()) {
            // RFC 4217 policy: no password in plaintext. 530 refuses the login outright;
            // the client's next step is AUTH TLS (vsftpd and Serv-U answer the same way).
            s.reply(530, "TLS required: send AUTH TLS before USER.");
            return;
        }
        s.pendingUser(name);
        s.reply(331, InMemoryAuthenticator.isAnonymousName(name)
                ? "Anonymous login okay, send your e-mail address as password."
                : "Please specify the password.");
    }

    /**
     * Checks the password on the loop if the authenticator is cheap, else on
     * the worker pool; the session is suspended meanwhile and the verdict is
     * posted back to its loop.
     */
    static void pass(Session s, String password) {
        if (s.loggedIn()) {
            s.reply(230, "Already logged in.");
            return;
        }
        String name = s.pendingUser();
        if (name == null) {
            s.reply(503, "Login with USER first.");
            return;
        }
        s.pendingUser(null);
        if (s.context().admission().isBanned(s.remoteAddress().getAddress(), name)) {
            // Banned (this user from this network, or the network since the session began): the
            // password is not even checked, so guessing goes on no further. Same delay as a failure,
            // and it counts towards the session's own limit.
            int failures = s.loginFailed();
            s.delay(s.context().login().failedLoginDelay().toMillis(), () -> {
                s.reply(530, "Too many failed logins for this user from your address; try again later.");
                if (failures >= s.context().login().maxLoginFailures()) {
                    s.reply(421, "Too many failed logins, closing control connection.");
                    s.closeAfterReplies();
                    return;
                }
                s.resume();
            });
            return;
        }
        Authenticator auth = s.context().authenticator();
        if (auth.isCheap()) {
            verdict(s, name, check(auth, name, password), false);
            return;
        }
        s.offload(() -> check(auth, name, password), (account, failure) -> verdict(s, name, account, true));
    }

    private static UserAccount check(Authenticator auth, String name, String password) {
        try {
            return auth.authenticate(name, password);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "authenticator failed for " + name, e);
            return null;
        }
    }

    /** Loop thread. A wrong login is answered after a delay, by a timer: the loop never sleeps. */
    private static void verdict(Session s, String name, UserAccount account, boolean suspended) {
        if (s.isClosed()) {
            return;
        }
        if (account != null) {
            try {
                if (!s.login(account)) {
                    s.reply(421, "Too many sessions for " + account.name() + "; closing control connection.");
                    s.closeAfterReplies();
                    return;
                }
                s.context().events().loggedIn(s.remoteAddress(), account.name(), account.anonymous());
                s.reply(230, "Login successful.");
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "home of " + name + " is unusable: " + account.home(), e);
                s.reply(530, "Login incorrect.");
            }
            if (suspended) {
                s.resume();
            }
            return;
        }
        int failures = s.loginFailed();
        s.context().events().loginFailed(s.remoteAddress(), name);
        boolean banned = s.context().admission().loginFailed(s.remoteAddress().getAddress(), name)
                && s.context().admission().isBanned(s.remoteAddress().getAddress()); // per-user bans keep the session
        s.delay(s.context().login().failedLoginDelay().toMillis(), () -> {
            s.reply(530, "Login incorrect.");
            if (failures >= s.context().login().maxLoginFailures() || banned) {
                s.reply(421, "Too many failed logins, closing control connection.");
                s.closeAfterReplies();
                return;
            }
            s.resume();
        });
    }

    static void acct(Session s, String arg) {
        s.reply(202, "ACCT not needed.");
    }

    static void rein(Session s, String arg) {
        s.reinitialize();
        s.reply(220, "Service ready for new user.");
    }

    static void quit(Session s, String arg) {
        s.quit();
    }
}

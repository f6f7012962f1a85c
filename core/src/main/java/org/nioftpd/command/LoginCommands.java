package org.nioftpd.command;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.List;
import org.nioftpd.auth.Authenticator;
import org.nioftpd.auth.InMemoryAuthenticator;
import org.nioftpd.auth.LoginRequest;
import org.nioftpd.auth.LoginResult;
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
        List<X509Certificate> certs = s.clientCertificates();
        if (!certs.isEmpty()) {
            // RFC 4217 section 7: the certificate may be all the login needs (232), else 331 as always.
            LoginRequest request = request(s, name, null, certs);
            Authenticator auth = s.context().authenticator();
            if (auth.isCheap()) {
                certVerdict(s, name, check(auth, request), false);
            } else {
                s.offload(() -> check(auth, request), (result, failure) -> certVerdict(s, name, result, true));
            }
            return;
        }
        askPassword(s, name);
    }

    private static void askPassword(Session s, String name) {
        s.reply(331, InMemoryAuthenticator.isAnonymousName(name)
                ? "Anonymous login okay, send your e-mail address as password."
                : "Please specify the password.");
    }

    /** Loop thread: the certificate logged the user in (232), or the password is asked for. */
    private static void certVerdict(Session s, String name, LoginResult result, boolean suspended) {
        if (s.isClosed()) {
            return;
        }
        if (result.accepted()) {
            s.pendingUser(null);
            LOG.log(System.Logger.Level.INFO, "{0} logged in as {1} by client certificate {2}",
                    s.remoteAddress(), name, s.clientCertificates().get(0).getSubjectX500Principal());
            if (!accepted(s, name, result.account(), 232, "User logged in, authorized by security data exchange.")) {
                return; // closing: nothing more to read
            }
        } else {
            askPassword(s, name);
        }
        if (suspended) {
            s.resume();
        }
    }

    private static LoginRequest request(Session s, String name, String password, List<X509Certificate> certs) {
        return new LoginRequest(name, password, certs, s.remoteAddress(), s.localAddress(), s.controlSecure());
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
        LoginRequest request = request(s, name, password, s.clientCertificates());
        if (auth.isCheap()) {
            verdict(s, name, check(auth, request), false);
            return;
        }
        s.offload(() -> check(auth, request), (result, failure) -> verdict(s, name, result, true));
    }

    /** Never throws: an authenticator's failure is a refusal that does not count (the client did nothing wrong). */
    private static LoginResult check(Authenticator auth, LoginRequest request) {
        try {
            LoginResult r = auth.login(request);
            if (r == null) {
                return LoginResult.reject("authenticator returned no verdict");
            }
            if (r.verdict() == LoginResult.Verdict.PASSWORD_REQUIRED && request.password() != null) {
                return LoginResult.rejectCounted("authenticator asked for a password that was given");
            }
            return r;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "authenticator failed for " + request.user(), e);
            return LoginResult.reject("authenticator failed: " + e);
        }
    }

    /** Loop thread. A wrong login is answered after a delay, by a timer: the loop never sleeps. */
    private static void verdict(Session s, String name, LoginResult result, boolean suspended) {
        if (s.isClosed()) {
            return;
        }
        if (result.accepted()) {
            if (!accepted(s, name, result.account(), 230, "Login successful.")) {
                return; // closing: nothing more to read
            }
            if (suspended) {
                s.resume();
            }
            return;
        }
        boolean counted = result.verdict() != LoginResult.Verdict.REJECT;
        LOG.log(System.Logger.Level.INFO, "login refused for {0} from {1}: {2}{3}", name, s.remoteAddress(),
                result.reason() == null ? "no reason given" : result.reason(), counted ? "" : " (not counted)");
        s.context().events().loginFailed(s.remoteAddress(), name);
        int failures = counted ? s.loginFailed() : 0;
        boolean banned = counted && s.context().admission().loginFailed(s.remoteAddress().getAddress(), name)
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

    /** Logs {@code account} in and replies {@code code}; false if the session is closing instead (421). */
    private static boolean accepted(Session s, String name, UserAccount account, int code, String text) {
        try {
            if (!s.login(account)) {
                s.reply(421, "Too many sessions for " + account.name() + "; closing control connection.");
                s.closeAfterReplies();
                return false;
            }
            s.context().events().loggedIn(s.remoteAddress(), account.name(), account.anonymous());
            s.reply(code, text);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "home of " + name + " is unusable: " + account.home(), e);
            s.reply(530, "Login incorrect.");
        }
        return true;
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

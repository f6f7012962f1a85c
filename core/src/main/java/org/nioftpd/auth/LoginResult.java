package org.nioftpd.auth;

import java.util.Objects;

/**
 * An {@link Authenticator}'s verdict on a {@link LoginRequest}.
 *
 * <p>The client only ever sees "530 Login incorrect." for a refusal (a reply
 * must not tell a bad name from a bad password, RFC 2577); the
 * {@link #reason} goes to the server's log.
 *
 * @param verdict what the server does
 * @param account the account, for {@link Verdict#ACCEPT} only
 * @param reason  why, for the log (never sent to the client); may be null on accept
 */
public record LoginResult(Verdict verdict, UserAccount account, String reason) {

    public enum Verdict {
        /** Logged in: 230, or 232 when the certificate alone did it (no password asked). */
        ACCEPT,
        /** Refused, and it counts toward the failed-login limit and the address's ban. */
        REJECT_COUNTED,
        /** Refused by policy (a network not allowed, a directory that is down): does not count. */
        REJECT,
        /** Only as the answer to a request without a password: ask for one (331). */
        PASSWORD_REQUIRED
    }

    public LoginResult {
        Objects.requireNonNull(verdict, "verdict");
        if ((verdict == Verdict.ACCEPT) != (account != null)) {
            throw new IllegalArgumentException("an account goes with ACCEPT, and only with it");
        }
    }

    public static LoginResult accept(UserAccount account) {
        return new LoginResult(Verdict.ACCEPT, Objects.requireNonNull(account, "account"), null);
    }

    /** A wrong name, password or certificate: counts toward bans. */
    public static LoginResult rejectCounted(String reason) {
        return new LoginResult(Verdict.REJECT_COUNTED, null, reason);
    }

    /** A refusal that is not the client's guess being wrong: does not count. */
    public static LoginResult reject(String reason) {
        return new LoginResult(Verdict.REJECT, null, reason);
    }

    public static LoginResult passwordRequired() {
        return new LoginResult(Verdict.PASSWORD_REQUIRED, null, null);
    }

    public boolean accepted() {
        return verdict == Verdict.ACCEPT;
    }
}

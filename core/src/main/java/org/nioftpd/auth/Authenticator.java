package org.nioftpd.auth;

/**
 * Decides who may log in. The server calls {@link #login} on a small
 * worker pool, never on an event loop, unless {@link #isCheap()} says the
 * check costs no more than a map lookup: a salted password hash at a safe
 * iteration count takes tens of milliseconds (and a directory lookup a network
 * round trip), and on a loop it would freeze every other session of that loop
 * for that long.
 *
 * <p>The server calls {@link #login} only; an authenticator that needs no
 * context implements {@link #authenticate} alone and the default
 * {@link #login} bridges to it.
 */
public interface Authenticator {

    /**
     * The account for {@code user} and {@code password}, or {@code null} if
     * either is wrong. Must not reveal which of the two was wrong. Any thread.
     */
    UserAccount authenticate(String user, String password);

    /**
     * Decides a login with its context: the client's address, the listener,
     * TLS and the client certificate. Called with a null password at USER
     * when the client presented a certificate: answer
     * {@link LoginResult#accept} if the certificate alone logs the user in
     * (the server replies 232), {@link LoginResult#passwordRequired} otherwise
     * (331; the refusal, if any, comes with PASS). Any thread.
     *
     * <p>The default asks {@link #authenticate}: a wrong login counts toward
     * bans, and a certificate alone logs nobody in.
     */
    default LoginResult login(LoginRequest request) {
        if (request.password() == null) {
            return LoginResult.passwordRequired();
        }
        UserAccount account = authenticate(request.user(), request.password());
        return account != null ? LoginResult.accept(account) : LoginResult.rejectCounted("wrong user or password");
    }

    /** True when {@link #login} is fast enough to run on the event loop. */
    default boolean isCheap() {
        return false;
    }
}

package org.nioftpd.auth;

/**
 * Decides who may log in. The server calls {@link #authenticate} on a small
 * worker pool, never on an event loop, unless {@link #isCheap()} says the
 * check costs no more than a map lookup: a salted password hash at a safe
 * iteration count takes tens of milliseconds, and on a loop it would freeze
 * every other session of that loop for that long.
 */
public interface Authenticator {

    /**
     * The account for {@code user} and {@code password}, or {@code null} if
     * either is wrong. Must not reveal which of the two was wrong. Any thread.
     */
    UserAccount authenticate(String user, String password);

    /** True when {@link #authenticate} is fast enough to run on the event loop. */
    default boolean isCheap() {
        return false;
    }
}

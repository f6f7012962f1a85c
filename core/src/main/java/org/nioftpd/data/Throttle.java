package org.nioftpd.data;

import java.util.List;

/**
 * The rate limits one transfer obeys: its user's and the server's, for its
 * direction. A transfer asks {@link #allowance} before moving bytes and
 * {@link #consumed reports} what it moved; at zero it pauses, by a loop
 * timer, for {@link #nanosUntilAvailable}.
 */
public final class Throttle {

    public static final Throttle NONE = new Throttle(List.of());

    private final List<RateLimiter> limiters;

    private Throttle(List<RateLimiter> limiters) {
        this.limiters = limiters;
    }

    /** The limits among {@code candidates} that are not null. */
    public static Throttle of(RateLimiter... candidates) {
        List<RateLimiter> list = java.util.Arrays.stream(candidates).filter(java.util.Objects::nonNull).toList();
        return list.isEmpty() ? NONE : new Throttle(list);
    }

    public boolean isUnlimited() {
        return limiters.isEmpty();
    }

    /** Bytes that may move now under every limit; Long.MAX_VALUE without limits. */
    public long allowance(long nowNanos) {
        long allowed = Long.MAX_VALUE;
        for (RateLimiter l : limiters) {
            allowed = Math.min(allowed, l.available(nowNanos));
        }
        return allowed;
    }

    public void consumed(long bytes, long nowNanos) {
        for (RateLimiter l : limiters) {
            l.consume(bytes, nowNanos);
        }
    }

    public long nanosUntilAvailable(long nowNanos) {
        long wait = 0;
        for (RateLimiter l : limiters) {
            wait = Math.max(wait, l.nanosUntilAvailable(nowNanos));
        }
        return Math.max(wait, 1_000_000L); // at least 1 ms: never a busy timer loop
    }
}

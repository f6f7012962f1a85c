package org.nioftpd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The GCRA limiter on a simulated clock: deterministic, no waiting. */
class RateLimiterTest {

    /** A greedy transfer that takes all it may every millisecond moves rate x time, within 5 % over 10 s. */
    @Test
    void accurateOverTenSeconds() {
        long rate = 1_000_000;
        long t0 = System.nanoTime();
        RateLimiter limiter = new RateLimiter(rate);
        long moved = 0;
        for (long now = t0; now - t0 < 10_000_000_000L; now += 1_000_000L) {
            long n = Math.min(limiter.available(now), 64 * 1024);
            if (n > 0) {
                limiter.consume(n, now);
                moved += n;
            }
        }
        double ratio = moved / (rate * 10.0);
        assertTrue(ratio > 0.95 && ratio < 1.05, "moved " + moved + " bytes, ratio " + ratio);
    }

    /** Two transfers sharing one limit (one user, two sessions) split it, and together stay within it. */
    @Test
    void sharedBetweenTransfers() {
        long rate = 500_000;
        long t0 = System.nanoTime();
        RateLimiter limiter = new RateLimiter(rate);
        long a = 0;
        long b = 0;
        for (long now = t0; now - t0 < 10_000_000_000L; now += 1_000_000L) {
            long n = Math.min(limiter.available(now), 16 * 1024);
            if (n > 0) {
                limiter.consume(n, now);
                a += n;
            }
            n = Math.min(limiter.available(now), 16 * 1024);
            if (n > 0) {
                limiter.consume(n, now);
                b += n;
            }
        }
        double ratio = (a + b) / (rate * 10.0);
        assertTrue(ratio > 0.95 && ratio < 1.05, "ratio " + ratio);
        assertTrue(a > 0 && b > 0);
    }

    /** Regression: an idle limiter saved up its unused time and let the next transfer through unthrottled. */
    @Test
    void idleTimeIsNotSavedUp() {
        long t0 = System.nanoTime();
        RateLimiter limiter = new RateLimiter(1000);
        long later = t0 + 60_000_000_000L; // a minute of idleness
        assertTrue(limiter.available(later) <= 101, "at most one burst (0.1 s) after idling: " + limiter.available(later));
    }

    @Test
    void waitsAfterABurst() {
        long t0 = System.nanoTime();
        RateLimiter limiter = new RateLimiter(1000);
        for (int i = 0; i < 10 && limiter.available(t0) > 0; i++) {
            limiter.consume(limiter.available(t0), t0);
        }
        assertEquals(0, limiter.available(t0), "one burst, then nothing until time passes");
        long wait = limiter.nanosUntilAvailable(t0);
        assertTrue(wait > 0, "must wait");
        assertTrue(limiter.available(t0 + wait + 2_000_000) > 0);
    }
}

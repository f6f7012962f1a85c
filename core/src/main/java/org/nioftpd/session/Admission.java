package org.nioftpd.session;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who may open a session: caps on sessions in all and per client address,
 * and a temporary ban on addresses that fail to log in too often. Shared by
 * every loop, so it is thread-safe (concurrent maps, short critical sections
 * per address); nothing here blocks or does I/O.
 */
public final class Admission {

    /** Addresses remembered for failed logins at most; beyond this, expired ones are swept first. */
    private static final int MAX_TRACKED = 100_000;

    private final int maxSessions;
    private final int maxPerAddress;
    private final int banAfterFailures;
    private final long banWindowNanos;
    private final long banNanos;
    private final AtomicInteger sessions = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final Map<InetAddress, Failures> failures = new ConcurrentHashMap<>();

    /**
     * Failed logins of one address: how many since {@code windowStart}, and
     * until when it is banned. Immutable: updated atomically by
     * {@link ConcurrentHashMap#compute}, so no lock is ever held.
     */
    private record Failures(int count, long windowStart, long bannedUntil) {
        boolean banned(long now) {
            return bannedUntil != 0 && bannedUntil - now > 0;
        }
    }

    /**
     * @param banAfterFailures failed logins within {@code banWindowNanos} that ban an address; 0 turns banning off
     */
    public Admission(int maxSessions, int maxPerAddress, int banAfterFailures, long banWindowNanos, long banNanos) {
        this.maxSessions = maxSessions;
        this.maxPerAddress = maxPerAddress;
        this.banAfterFailures = banAfterFailures;
        this.banWindowNanos = banWindowNanos;
        this.banNanos = banNanos;
    }

    /**
     * Admits a new connection from {@code address}, or returns why not (the
     * text of a 421). An admitted connection must be {@linkplain #release released} once.
     */
    public String admit(InetAddress address) {
        if (isBanned(address)) {
            return "Too many failed logins from your address; try again later.";
        }
        if (sessions.incrementAndGet() > maxSessions) {
            sessions.decrementAndGet();
            return "Too many users, sorry; try again later.";
        }
        AtomicInteger mine = perAddress.computeIfAbsent(address, a -> new AtomicInteger());
        if (mine.incrementAndGet() > maxPerAddress) {
            mine.decrementAndGet();
            sessions.decrementAndGet();
            return "Too many connections from your address.";
        }
        return null;
    }

    public void release(InetAddress address) {
        sessions.decrementAndGet();
        perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Records a failed login; returns true if the address is now banned. */
    public boolean loginFailed(InetAddress address) {
        if (banAfterFailures <= 0) {
            return false;
        }
        long now = System.nanoTime();
        if (failures.size() >= MAX_TRACKED) {
            failures.values().removeIf(f -> !f.banned(now) && now - f.windowStart() > banWindowNanos);
        }
        Failures f = failures.compute(address, (a, old) -> {
            if (old == null || now - old.windowStart() > banWindowNanos) {
                old = new Failures(0, now, old == null ? 0 : old.bannedUntil());
            }
            int count = old.count() + 1;
            return count >= banAfterFailures
                    ? new Failures(0, now, now + banNanos)   // banned; a new window starts
                    : new Failures(count, old.windowStart(), old.bannedUntil());
        });
        return f.banned(now);
    }

    public boolean isBanned(InetAddress address) {
        Failures f = failures.get(address);
        return f != null && f.banned(System.nanoTime());
    }

    public int sessions() {
        return sessions.get();
    }
}

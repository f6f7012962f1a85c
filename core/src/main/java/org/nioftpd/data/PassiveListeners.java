package org.nioftpd.data;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The passive listeners open now, counted per client address, and the cap on
 * them (issue 19, item 6): with a range of 101 ports, three addresses of 50
 * sessions each held every port and everyone else got 425. A session holds at
 * most one listener; this keeps one client address, or a few, from holding the
 * whole range.
 *
 * <p>Shared by every loop's data transfer processes, so thread-safe: one
 * atomic count per address, created and removed atomically by the map, no
 * lock held; nothing here blocks. An address whose count falls to 0 leaves
 * the map, so it holds only addresses with a listener open.
 */
public final class PassiveListeners {

    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();

    /** @param maxPerAddress listeners open at once for one client address, at least 1 */
    public PassiveListeners(int maxPerAddress) {
        if (maxPerAddress < 1) {
            throw new IllegalArgumentException("passive listeners per address must be at least 1: " + maxPerAddress);
        }
        this.maxPerAddress = maxPerAddress;
    }

    public int maxPerAddress() {
        return maxPerAddress;
    }

    /**
     * Counts a listener for {@code client} if it stays within the cap; true
     * if counted. Each true must be followed by exactly one {@link #closed}.
     * Any thread.
     */
    boolean tryOpen(InetAddress client) {
        boolean[] counted = new boolean[1];
        perAddress.compute(client, (a, n) -> {
            if (n == null) {
                n = new AtomicInteger();
            }
            if (n.get() < maxPerAddress) {
                n.incrementAndGet();
                counted[0] = true;
            }
            return n.get() == 0 ? null : n;
        });
        if (counted[0]) {
            total.incrementAndGet();
        }
        return counted[0];
    }

    /** A listener counted by {@link #tryOpen} has closed. Any thread. */
    void closed(InetAddress client) {
        perAddress.computeIfPresent(client, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        total.decrementAndGet();
    }

    /** Listeners open now, all addresses together. */
    public int open() {
        return total.get();
    }

    /** Listeners open now for {@code client}. */
    public int open(InetAddress client) {
        AtomicInteger n = perAddress.get(client);
        return n == null ? 0 : n.get();
    }
}

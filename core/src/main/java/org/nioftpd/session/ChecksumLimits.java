package org.nioftpd.session;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How much checksum work (HASH, XCRC, XMD5, XSHA1, XSHA256) clients may ask
 * for, and the per-address count of the jobs running or queued on the bulk
 * lane. One per server; thread-safe: {@link #tryAcquire} runs on a loop,
 * {@link #release} on the bulk worker that ran the job (or on the loop if the
 * job was never queued).
 *
 * <p>Per session the limit is 1 by construction: a session is suspended while
 * its checksum runs, so it reads no further command until the reply is sent.
 *
 * <p>{@code maxPerAddress}: jobs one client address may have running or
 * queued at once (0: no limit); {@code maxBytes}: bytes one request may hash,
 * a larger whole file or range being refused (0: no limit).
 */
public final class ChecksumLimits {

    private final int maxPerAddress;
    private final long maxBytes;
    private final ConcurrentHashMap<InetAddress, Integer> running = new ConcurrentHashMap<>();

    public ChecksumLimits(int maxPerAddress, long maxBytes) {
        if (maxPerAddress < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("checksum limits must not be negative");
        }
        this.maxPerAddress = maxPerAddress;
        this.maxBytes = maxBytes;
    }

    public int maxPerAddress() {
        return maxPerAddress;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** True, and counted, if {@code client} may start one more job; each true must be {@link #release}d once. */
    public boolean tryAcquire(InetAddress client) {
        boolean[] granted = new boolean[1];
        running.compute(client, (a, n) -> {
            int now = n == null ? 0 : n;
            if (maxPerAddress > 0 && now >= maxPerAddress) {
                return n;
            }
            granted[0] = true;
            return now + 1;
        });
        return granted[0];
    }

    public void release(InetAddress client) {
        running.computeIfPresent(client, (a, n) -> n <= 1 ? null : n - 1); // no entry left for idle addresses
    }

    /** Jobs of {@code client} running or queued now. */
    public int running(InetAddress client) {
        return running.getOrDefault(client, 0);
    }
}

package org.nioftpd.session;

import org.nioftpd.fs.QuotaUsage;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.data.RateLimiter;
import org.nioftpd.data.Throttle;

/**
 * What the sessions of one user share across loops: how many are logged in,
 * and the user's rate limiters; plus the server-wide limiters. Thread-safe,
 * lock-free. Entries are kept per user name for the server's life: there are
 * as many as there are accounts that logged in.
 */
public final class UserLimits {

    private final RateLimiter serverDownload;
    private final RateLimiter serverUpload;
    private final Map<String, PerUser> users = new ConcurrentHashMap<>();
    /** Quota usage by key (user, quota root, directories): one per user and root, shared by its sessions. */
    private final Map<String, QuotaUsage> quotas = new ConcurrentHashMap<>();

    private static final class PerUser {
        final AtomicInteger sessions = new AtomicInteger();
        volatile RateLimiter download;
        volatile RateLimiter upload;
    }

    /** Server-wide rates in bytes per second, 0 for none. */
    public UserLimits(long downloadBytesPerSecond, long uploadBytesPerSecond) {
        this.serverDownload = downloadBytesPerSecond > 0 ? new RateLimiter(downloadBytesPerSecond) : null;
        this.serverUpload = uploadBytesPerSecond > 0 ? new RateLimiter(uploadBytesPerSecond) : null;
    }

    /** Counts a login of {@code account}; false (and nothing counted) if it already has its maximum of sessions. */
    public boolean login(UserAccount account) {
        PerUser u = users.computeIfAbsent(account.name(), n -> new PerUser());
        int max = account.limits().maxSessions();
        if (u.sessions.incrementAndGet() > max && max > 0) {
            u.sessions.decrementAndGet();
            return false;
        }
        // Limits can change on a users-file reload: keep a limiter whose rate still matches.
        u.download = limiter(u.download, account.limits().downloadBytesPerSecond());
        u.upload = limiter(u.upload, account.limits().uploadBytesPerSecond());
        return true;
    }

    private static RateLimiter limiter(RateLimiter current, long rate) {
        if (rate <= 0) {
            return null;
        }
        return current != null && current.bytesPerSecond() == rate ? current : new RateLimiter(rate);
    }

    public void logout(UserAccount account) {
        PerUser u = users.get(account.name());
        if (u != null) {
            u.sessions.decrementAndGet();
        }
    }

    /** The usage all sessions share for what {@code candidate} counts: the first one made, kept for the server's life. */
    public QuotaUsage quota(QuotaUsage candidate) {
        return quotas.computeIfAbsent(candidate.key(), k -> candidate);
    }

    /** The limits a transfer of {@code account} in this direction obeys. */
    public Throttle throttle(UserAccount account, boolean incoming) {
        PerUser u = users.get(account.name());
        RateLimiter mine = u == null ? null : incoming ? u.upload : u.download;
        return Throttle.of(mine, incoming ? serverUpload : serverDownload);
    }
}

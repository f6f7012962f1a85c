package org.nioftpd.session;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nioftpd.protocol.Cidr;
import org.nioftpd.protocol.Printable;

/**
 * Who may open a session: caps on sessions in all and per client address,
 * temporary bans of networks that fail to log in too often, and bans an
 * operator sets by hand. Shared by every loop, so it is thread-safe
 * (concurrent maps, short critical sections per key); nothing here blocks or
 * does I/O.
 *
 * <p>Failed logins are counted per <em>ban key</em>: the IPv4 address, or the
 * IPv6 address's network of {@link BanPolicy#ipv6Prefix} bits (one subscriber
 * holds a whole /64, and stepping through it costs an attacker nothing); in
 * {@link BanMode#ADDRESS_AND_USER} mode, per key and user name, so that one
 * NAT address shared by an office cannot lock out every user behind it.
 * Networks in {@link BanPolicy#exempt} are never banned automatically (a
 * monitoring host that logs in with a wrong password must not lock itself
 * out); a manual ban applies to them all the same, since an operator asked for it.
 *
 * <p>Memory stays bounded under attack from many addresses: at most
 * {@link #MAX_TRACKED} keys are counted; when full, expired counts are swept,
 * then counts that ban nothing yet; if it is still full (that many networks
 * banned at once) a new network's failures are not counted until room comes.
 */
public final class Admission {

    private static final System.Logger LOG = System.getLogger(Admission.class.getName());

    /** Keys remembered for failed logins at most; beyond this, expired ones are swept first. */
    static final int MAX_TRACKED = 100_000;
    /** Manual bans at most: an operator's list, not a blocklist feed. */
    public static final int MAX_MANUAL_BANS = 10_000;
    /** A user name is remembered by at most this many characters (memory bound per key). */
    private static final int MAX_USER_CHARS = 256;
    /** A ban no longer than this: about 100 years; "ban for ever" is this, and keeps nanoTime arithmetic safe. */
    public static final Duration LONGEST_BAN = Duration.ofDays(36_500);
    /** Refused connections are logged once per address per this interval. */
    private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int MAX_REFUSAL_LOG_ENTRIES = 10_000;

    /** What failed logins are counted against. */
    public enum BanMode {
        /** The client's network (default): a ban refuses every connection from it. */
        ADDRESS,
        /** The client's network and the user name: a ban refuses that user's PASS from it, with 530. */
        ADDRESS_AND_USER
    }

    /**
     * How failed logins turn into bans.
     *
     * @param failures   failed logins within {@code window} that ban; 0 turns automatic bans off
     * @param window     how long failures are counted together
     * @param duration   how long a ban lasts
     * @param exempt     networks never banned automatically
     * @param ipv6Prefix IPv6 addresses are counted and banned by their network of this many bits (1-128)
     * @param mode       per network, or per network and user
     */
    public record BanPolicy(int failures, Duration window, Duration duration, List<Cidr> exempt, int ipv6Prefix,
                            BanMode mode) {
        public BanPolicy {
            exempt = List.copyOf(exempt);
            if (ipv6Prefix < 1 || ipv6Prefix > 128) {
                throw new IllegalArgumentException("IPv6 ban prefix must be 1-128: " + ipv6Prefix);
            }
        }
    }

    /**
     * One ban, as {@link #bans()} lists it.
     *
     * @param network the banned network
     * @param user    the user banned from it ({@link BanMode#ADDRESS_AND_USER}), or null for the whole network
     * @param until   when it ends
     * @param reason  why: the failures that caused it, or the operator's words
     * @param manual  set by hand ({@link #ban}) rather than by failed logins
     */
    public record Ban(Cidr network, String user, Instant until, String reason, boolean manual) {
    }

    /** A key failures are counted under: a network, and a user name in ADDRESS_AND_USER mode (else null). */
    private record Key(Cidr network, String user) {
    }

    /**
     * Failed logins of one key: how many since {@code windowStart}, and
     * until when it is banned. Immutable: updated atomically by
     * {@link ConcurrentHashMap#compute}, so no lock is ever held.
     */
    private record Failures(int count, long windowStart, long bannedUntil) {
        boolean banned(long now) {
            return bannedUntil != 0 && bannedUntil - now > 0;
        }
    }

    private record Manual(long untilNanos, String reason) {
    }

    private final int maxSessions;
    private final int maxPerAddress;
    private final BanPolicy policy;
    private final long banWindowNanos;
    private final long banNanos;
    private final AtomicInteger sessions = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final Map<Key, Failures> failures = new ConcurrentHashMap<>();
    private final Map<Cidr, Manual> manual = new ConcurrentHashMap<>();
    /** The prefix lengths of the manual bans, per family, longest first. */
    private volatile int[] manualPrefixes4 = new int[0];
    private volatile int[] manualPrefixes6 = new int[0];
    private final Map<InetAddress, Long> refusalsLogged = new ConcurrentHashMap<>();

    /**
     * @param banAfterFailures failed logins within {@code banWindowNanos} that ban an address; 0 turns banning off
     */
    public Admission(int maxSessions, int maxPerAddress, int banAfterFailures, long banWindowNanos, long banNanos) {
        this(maxSessions, maxPerAddress, new BanPolicy(banAfterFailures, Duration.ofNanos(banWindowNanos),
                Duration.ofNanos(banNanos), List.of(), 64, BanMode.ADDRESS));
    }

    public Admission(int maxSessions, int maxPerAddress, BanPolicy policy) {
        this.maxSessions = maxSessions;
        this.maxPerAddress = maxPerAddress;
        this.policy = policy;
        this.banWindowNanos = policy.window().toNanos();
        this.banNanos = clamp(policy.duration()).toNanos();
    }

    public BanPolicy policy() {
        return policy;
    }

    /**
     * Admits a new connection from {@code address}, or returns why not (the
     * text of a 421). An admitted connection must be {@linkplain #release released} once.
     */
    public String admit(InetAddress address) {
        if (!manual.isEmpty() && manualBan(address) != null) {
            return "Your address is banned; try again later.";
        }
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

    /** Records a failed login by {@code user}; returns true if the address (or, per mode, the pair) is now banned. */
    public boolean loginFailed(InetAddress address, String user) {
        if (policy.failures() <= 0 || isExempt(address)) {
            return false;
        }
        long now = System.nanoTime();
        Key key = key(address, user);
        if (failures.size() >= MAX_TRACKED && !failures.containsKey(key)) {
            failures.values().removeIf(f -> !f.banned(now) && now - f.windowStart() > banWindowNanos);
            if (failures.size() >= MAX_TRACKED) {
                failures.values().removeIf(f -> !f.banned(now));
            }
            if (failures.size() >= MAX_TRACKED) {
                return false; // every slot holds a live ban: this network waits for room
            }
        }
        boolean[] started = {false};
        Failures f = failures.compute(key, (k, old) -> {
            if (old == null || now - old.windowStart() > banWindowNanos) {
                old = new Failures(0, now, old == null ? 0 : old.bannedUntil());
            }
            int count = old.count() + 1;
            if (count >= policy.failures()) {
                started[0] = true;
                return new Failures(0, now, now + banNanos);   // banned; a new window starts
            }
            return new Failures(count, old.windowStart(), old.bannedUntil());
        });
        if (started[0]) { // one line per ban, however many failures led to it
            LOG.log(System.Logger.Level.WARNING, "banned " + key.network()
                    + (key.user() != null ? " for user " + Printable.forLog(key.user(), 64) : "") + " for "
                    + policy.duration().toSeconds() + " s after " + policy.failures() + " failed logins");
        }
        return f.banned(now);
    }

    /** As {@link #loginFailed(InetAddress, String)} without a user name (address mode). */
    public boolean loginFailed(InetAddress address) {
        return loginFailed(address, "");
    }

    /** Whether a new connection from {@code address} is refused: a manual ban, or an address-mode ban. */
    public boolean isBanned(InetAddress address) {
        if (!manual.isEmpty() && manualBan(address) != null) {
            return true;
        }
        if (policy.mode() != BanMode.ADDRESS) {
            return false;
        }
        Failures f = failures.get(new Key(Cidr.banKey(address, policy.ipv6Prefix()), null));
        return f != null && f.banned(System.nanoTime());
    }

    /**
     * Whether {@code user}'s login from {@code address} is refused now, before
     * its password is checked: the address is banned (a session opened before
     * the ban), or in ADDRESS_AND_USER mode the pair is.
     */
    public boolean isBanned(InetAddress address, String user) {
        if (isBanned(address)) {
            return true;
        }
        if (policy.mode() != BanMode.ADDRESS_AND_USER) {
            return false;
        }
        Failures f = failures.get(key(address, user));
        return f != null && f.banned(System.nanoTime());
    }

    private Key key(InetAddress address, String user) {
        Cidr network = Cidr.banKey(address, policy.ipv6Prefix());
        if (policy.mode() == BanMode.ADDRESS) {
            return new Key(network, null);
        }
        String u = user == null ? "" : user;
        return new Key(network, u.length() > MAX_USER_CHARS ? u.substring(0, MAX_USER_CHARS) : u);
    }

    private boolean isExempt(InetAddress address) {
        for (Cidr c : policy.exempt()) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------ manual bans

    /**
     * Bans {@code network} by hand for {@code duration} (at most
     * {@link #LONGEST_BAN}; longer is taken as that): new connections from it
     * are refused with 421, exempt or not. Banning a network again replaces
     * its earlier ban. Throws IllegalStateException when
     * {@link #MAX_MANUAL_BANS} are in force.
     */
    public void ban(Cidr network, Duration duration, String reason) {
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("ban duration must be positive");
        }
        long now = System.nanoTime();
        if (manual.values().removeIf(m -> m.untilNanos() - now <= 0)) {
            manualChanged();
        }
        if (manual.size() >= MAX_MANUAL_BANS && !manual.containsKey(network)) {
            throw new IllegalStateException("too many manual bans (" + MAX_MANUAL_BANS + "); lift some first");
        }
        manual.put(network, new Manual(now + clamp(duration).toNanos(), reason == null ? "banned by hand" : reason));
        manualChanged();
    }

    /**
     * Lifts every ban, manual or from failed logins, on {@code network} or on
     * a network inside it (unban {@code 10.0.0.0/8} lifts a ban of
     * {@code 10.1.2.3}), and forgets the failures counted there. Returns how
     * many bans were lifted.
     */
    public int unban(Cidr network) {
        long now = System.nanoTime();
        int[] lifted = {0};
        manual.entrySet().removeIf(e -> {
            if (network.contains(e.getKey())) {
                if (e.getValue().untilNanos() - now > 0) {
                    lifted[0]++;
                }
                return true;
            }
            return false;
        });
        manualChanged();
        failures.entrySet().removeIf(e -> {
            if (network.contains(e.getKey().network())) {
                if (e.getValue().banned(now)) {
                    lifted[0]++;
                }
                return true;
            }
            return false;
        });
        return lifted[0];
    }

    /** The bans in force now, manual and automatic, the longest-lasting last. */
    public List<Ban> bans() {
        long now = System.nanoTime();
        Instant wall = Instant.now();
        List<Ban> out = new ArrayList<>();
        manual.forEach((network, m) -> {
            if (m.untilNanos() - now > 0) {
                out.add(new Ban(network, null, wall.plusNanos(m.untilNanos() - now), m.reason(), true));
            }
        });
        failures.forEach((key, f) -> {
            if (f.banned(now)) {
                out.add(new Ban(key.network(), key.user(), wall.plusNanos(f.bannedUntil() - now),
                        policy.failures() + " failed logins within " + policy.window().toSeconds() + " s"
                                + (key.user() != null ? " as user " + key.user() : ""), false));
            }
        });
        out.sort(Comparator.comparing(Ban::until));
        return out;
    }

    /**
     * The manual ban holding {@code address}, or null: one hash lookup per
     * prefix length in use (a handful), not a pass over thousands of bans, since
     * it is asked on every accepted connection.
     */
    private Manual manualBan(InetAddress address) {
        long now = System.nanoTime();
        boolean v4 = Cidr.host(address).isIpv4();
        for (int len : v4 ? manualPrefixes4 : manualPrefixes6) {
            Manual m = manual.get(Cidr.of(address, v4 && address.getAddress().length == 16 ? len + 96 : len));
            if (m != null && m.untilNanos() - now > 0) {
                return m;
            }
        }
        return null;
    }

    /** Recomputes the prefix lengths manual bans use; after every change to {@link #manual}. */
    private synchronized void manualChanged() {
        java.util.TreeSet<Integer> v4 = new java.util.TreeSet<>();
        java.util.TreeSet<Integer> v6 = new java.util.TreeSet<>();
        for (Cidr c : manual.keySet()) {
            (c.isIpv4() ? v4 : v6).add(c.prefixLength());
        }
        manualPrefixes4 = v4.descendingSet().stream().mapToInt(Integer::intValue).toArray();
        manualPrefixes6 = v6.descendingSet().stream().mapToInt(Integer::intValue).toArray();
    }

    private static Duration clamp(Duration d) {
        return d.compareTo(LONGEST_BAN) > 0 ? LONGEST_BAN : d;
    }

    // ---------------------------------------------------------------- refusals

    /**
     * Whether a refusal of {@code address} should be logged now: once per
     * address per minute, so that a flood from one address is one line a
     * minute, not one a connection. The memory is bounded: when it is full,
     * stale entries are swept, and if that frees nothing the refusal is not logged.
     */
    public boolean logRefusal(InetAddress address) {
        long now = System.nanoTime();
        if (refusalsLogged.size() >= MAX_REFUSAL_LOG_ENTRIES && !refusalsLogged.containsKey(address)) {
            refusalsLogged.values().removeIf(t -> now - t >= REFUSAL_LOG_INTERVAL_NANOS);
            if (refusalsLogged.size() >= MAX_REFUSAL_LOG_ENTRIES) {
                return false;
            }
        }
        boolean[] log = {false};
        refusalsLogged.compute(address, (a, last) -> {
            if (last == null || now - last >= REFUSAL_LOG_INTERVAL_NANOS) {
                log[0] = true;
                return now;
            }
            return last;
        });
        return log[0];
    }

    public int sessions() {
        return sessions.get();
    }

    /** Keys counted for failed logins now (for tests: the bound holds). */
    int tracked() {
        return failures.size();
    }
}

package org.nioftpd.data;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.nioftpd.protocol.Cidr;
import org.nioftpd.protocol.IpLiteral;

/**
 * The address PASV announces, chosen by the client's network: a list of
 * rules {@code CIDR=TARGET}, the first whose network holds the client wins,
 * and the control connection's own local address when none does. A target is
 * {@code local} (the control connection's local address: right for clients
 * that reach the server directly), an IP literal, or a host name (a dynamic
 * DNS name of a NAT router), resolved when announced.
 *
 * <p>Resolution never blocks a loop. A resolved name is kept for
 * {@link #TTL_NANOS}; after that it is still announced while a fresh lookup
 * runs on the worker pool (stale-while-revalidate: a slow resolver delays
 * nobody, and a failed lookup keeps the last good address). A name never
 * resolved yet (the server just started, or DNS was down) is looked up by the
 * PASV itself, off the loop, through {@link Answer#pending()}; the server also
 * looks every name up once when it starts ({@link #prime}).
 *
 * <p>Where the passive listener binds: on the announced address if that is an
 * address of this host (a second interface, a loopback alias), so that what
 * is announced is reachable; else on the control connection's local address,
 * as before, for a NAT to forward. Thread-safe; shared by the loops of one listener.
 */
public final class PassiveAddresses {

    /** How long a resolved name is announced before it is looked up again. */
    public static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final System.Logger LOG = System.getLogger(PassiveAddresses.class.getName());

    /** Where a rule sends clients. */
    public sealed interface Target permits Local, Fixed, Named {
    }

    /** The control connection's local address. */
    public record Local() implements Target {
        @Override
        public String toString() {
            return "local";
        }
    }

    /** An IP literal; {@code bindable}: it is an address of this host, so the listener binds there. */
    public record Fixed(InetAddress address, boolean bindable) implements Target {
        @Override
        public String toString() {
            return address.getHostAddress();
        }
    }

    /** A host name, resolved when announced. */
    public record Named(String host) implements Target {
        @Override
        public String toString() {
            return host;
        }
    }

    /**
     * One rule.
     *
     * @param network the clients it is for; null for every client
     */
    public record Rule(Cidr network, Target target) {
        @Override
        public String toString() {
            return network == null ? target.toString() : network + "=" + target;
        }
    }

    /**
     * What to announce, and where to listen; or, for a name not resolved
     * yet, {@code pending}: call it off the loop (it blocks on DNS) for the
     * answer.
     *
     * @param announce the address for the 227 reply
     * @param bind     the address the passive listener binds
     * @param pending  non-null when nothing is known yet: the lookup to run on a worker
     */
    public record Answer(InetAddress announce, InetAddress bind, Callable<Answer> pending) {
    }

    private record Resolved(InetAddress address, boolean bindable, long atNanos) {
    }

    /** No rule: every client is told the control connection's local address (the default). */
    public static final PassiveAddresses LOCAL = new PassiveAddresses(List.of());

    private final List<Rule> rules;
    private final Map<String, Resolved> cache = new ConcurrentHashMap<>();
    private final Set<String> refreshing = ConcurrentHashMap.newKeySet();
    private volatile Executor resolver;

    public PassiveAddresses(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** One address for every client (the old {@code passiveAddress}). */
    public static PassiveAddresses of(InetAddress address) {
        return new PassiveAddresses(List.of(new Rule(null, fixed(address))));
    }

    /**
     * Parses {@code ADDRESS}, {@code HOST}, or {@code CIDR=TARGET[,CIDR=TARGET...]}
     * with TARGET {@code local}, an IP literal or a host name, as in
     * {@code 192.168.0.0/16=local,0.0.0.0/0=ftp.example.com}. Throws
     * IllegalArgumentException naming the part that is wrong.
     */
    public static PassiveAddresses parse(String spec) {
        String s = spec.strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty passive address");
        }
        if (s.indexOf('=') < 0) {
            if (s.indexOf(',') >= 0) {
                throw new IllegalArgumentException("several passive addresses need a network each: CIDR=ADDRESS,...");
            }
            return new PassiveAddresses(List.of(new Rule(null, target(s))));
        }
        List<Rule> rules = new ArrayList<>();
        for (String part : s.split(",", -1)) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expected CIDR=ADDRESS, got '" + p + "'");
            }
            Cidr network = Cidr.parse(p.substring(0, eq));
            rules.add(new Rule(network, target(p.substring(eq + 1).strip())));
        }
        return new PassiveAddresses(rules);
    }

    private static Target target(String t) {
        if (t.equalsIgnoreCase("local")) {
            return new Local();
        }
        if (t.indexOf(':') >= 0 || t.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')) {
            try {
                return fixed(IpLiteral.parse(t));
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("not an IP address: '" + t + "'");
            }
        }
        if (!isHostName(t)) {
            throw new IllegalArgumentException("not an IP address, host name or 'local': '" + t + "'");
        }
        return new Named(t.toLowerCase(Locale.ROOT));
    }

    private static Fixed fixed(InetAddress a) {
        return new Fixed(a, isOfThisHost(a));
    }

    /** RFC 1123 host name: labels of letters, digits and '-', not starting or ending with '-'. */
    static boolean isHostName(String t) {
        if (t.isEmpty() || t.length() > 253) {
            return false;
        }
        for (String label : t.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether a listener can bind {@code a}: a loopback address, or one of an interface. Blocks briefly (a netlink query). */
    private static boolean isOfThisHost(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public List<Rule> rules() {
        return rules;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /**
     * Starts resolving every host name on {@code workers}, and keeps using it
     * for refreshes. Called once when the server starts; never blocks.
     */
    public void prime(Executor workers) {
        this.resolver = workers;
        for (Rule r : rules) {
            if (r.target() instanceof Named n) {
                refresh(n.host());
            }
        }
    }

    /** The rule for {@code client}: the first whose network holds it, or null (then: local). */
    public Rule ruleFor(InetAddress client) {
        for (Rule r : rules) {
            if (r.network() == null || r.network().contains(client)) {
                return r;
            }
        }
        return null;
    }

    /** What PASV announces to {@code client} whose control connection arrived at {@code local}. Loop thread; never blocks. */
    public Answer answer(InetAddress client, InetAddress local) {
        Rule rule = ruleFor(client);
        if (rule == null || rule.target() instanceof Local) {
            return new Answer(local, local, null);
        }
        if (rule.target() instanceof Fixed f) {
            return new Answer(f.address(), f.bindable() ? f.address() : local, null);
        }
        String host = ((Named) rule.target()).host();
        Resolved r = cache.get(host);
        if (r == null) {
            return new Answer(null, local, () -> answerOf(resolveNow(host), local));
        }
        if (System.nanoTime() - r.atNanos() > TTL_NANOS) {
            refresh(host); // announce the known address now; the next PASV gets the fresh one
        }
        return answerOf(r, local);
    }

    private static Answer answerOf(Resolved r, InetAddress local) {
        return new Answer(r.address(), r.bindable() ? r.address() : local, null);
    }

    /** Looks {@code host} up on the worker pool, once at a time per name. */
    private void refresh(String host) {
        Executor workers = resolver;
        if (workers == null || !refreshing.add(host)) {
            return;
        }
        try {
            workers.execute(() -> {
                try {
                    resolveNow(host);
                } catch (UnknownHostException e) {
                    LOG.log(System.Logger.Level.WARNING, "passive address " + host + " does not resolve ("
                            + e.getMessage() + "); "
                            + (cache.containsKey(host) ? "announcing its last address" : "PASV will try again"));
                } finally {
                    refreshing.remove(host);
                }
            });
        } catch (RejectedExecutionException busy) {
            refreshing.remove(host); // the next PASV asks again
        }
    }

    /** Blocks on DNS: a worker thread only. Prefers an IPv4 address, since PASV can announce only IPv4. */
    private Resolved resolveNow(String host) throws UnknownHostException {
        InetAddress[] all = InetAddress.getAllByName(host);
        InetAddress chosen = all[0];
        for (InetAddress a : all) {
            if (a instanceof Inet4Address) {
                chosen = a;
                break;
            }
        }
        Resolved r = new Resolved(chosen, isOfThisHost(chosen), System.nanoTime());
        cache.put(host, r);
        return r;
    }

    @Override
    public String toString() {
        return rules.isEmpty() ? "local" : String.join(",", rules.stream().map(Rule::toString).toList());
    }
}

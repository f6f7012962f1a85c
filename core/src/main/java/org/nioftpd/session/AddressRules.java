package org.nioftpd.session;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.nioftpd.protocol.Cidr;

/**
 * Which client networks may connect: an allow list and a deny list of CIDR
 * networks, decided like a routing table, by the <em>most specific match</em>:
 * <ol>
 *   <li>the rule with the longest prefix that contains the address decides;</li>
 *   <li>an allow and a deny rule of the same length: deny wins;</li>
 *   <li>no rule contains the address: admitted if there is no allow rule at
 *       all (a pure deny list), refused otherwise (an allow list admits only
 *       what it names).</li>
 * </ol>
 * So {@code deny 10.0.0.0/8} with {@code allow 10.1.2.0/24} admits 10.1.2.7 and
 * refuses 10.9.9.9, whatever order the rules were written in (a config file and a
 * command line merged give the same answer). Immutable and thread-safe; a check
 * costs one pass over the rules, done once per accepted connection.
 */
public final class AddressRules {

    /** No rule: everyone may connect. */
    public static final AddressRules NONE = new AddressRules(List.of(), List.of());

    private final List<Cidr> allow;
    private final List<Cidr> deny;

    public AddressRules(List<Cidr> allow, List<Cidr> deny) {
        this.allow = List.copyOf(allow);
        this.deny = List.copyOf(deny);
    }

    /** Whether {@code address} may connect. */
    public boolean permits(InetAddress address) {
        int bestAllow = longestMatch(allow, address);
        int bestDeny = longestMatch(deny, address);
        if (bestAllow < 0 && bestDeny < 0) {
            return allow.isEmpty();
        }
        return bestAllow > bestDeny;
    }

    private static int longestMatch(List<Cidr> rules, InetAddress address) {
        int best = -1;
        for (Cidr c : rules) {
            if (c.prefixLength() > best && c.contains(address)) {
                best = c.prefixLength();
            }
        }
        return best;
    }

    /** These rules and {@code more}, decided together (a listener's own rules beside the global ones). */
    public AddressRules plus(AddressRules more) {
        if (more.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return more;
        }
        List<Cidr> a = new ArrayList<>(allow);
        a.addAll(more.allow);
        List<Cidr> d = new ArrayList<>(deny);
        d.addAll(more.deny);
        return new AddressRules(a, d);
    }

    public boolean isEmpty() {
        return allow.isEmpty() && deny.isEmpty();
    }

    public List<Cidr> allow() {
        return allow;
    }

    public List<Cidr> deny() {
        return deny;
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "everyone";
        }
        StringBuilder sb = new StringBuilder();
        if (!allow.isEmpty()) {
            sb.append("allow ").append(join(allow));
        }
        if (!deny.isEmpty()) {
            sb.append(sb.length() > 0 ? "; " : "").append("deny ").append(join(deny));
        }
        return sb.toString();
    }

    private static String join(List<Cidr> list) {
        return String.join(",", list.stream().map(Cidr::toString).toList());
    }
}

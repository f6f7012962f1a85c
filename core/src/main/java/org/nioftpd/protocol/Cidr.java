package org.nioftpd.protocol;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * An address block in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32},
 * or a bare address for a single host), parsed with {@link IpLiteral} so that
 * no text ever becomes a DNS lookup. An IPv4 block also matches the
 * IPv4-mapped IPv6 form of its addresses ({@code ::ffff:10.1.2.3}), which is
 * how a dual-stack socket reports an IPv4 client. Immutable.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** Parses {@code a.b.c.d/n}, {@code v6/n} or a bare address; IllegalArgumentException says what is wrong. */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (addr.startsWith("[") && addr.endsWith("]")) {
            addr = addr.substring(1, addr.length() - 1);
        }
        byte[] bytes;
        try {
            bytes = IpLiteral.parse(addr).getAddress();
        } catch (NumberFormatException | UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + addr + "'");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("bad prefix length in '" + t + "'");
            }
            prefix = Integer.parseInt(p);
            if (prefix > max) {
                throw new IllegalArgumentException("prefix length over " + max + " in '" + t + "'");
            }
        }
        for (int bit = prefix; bit < max; bit++) { // host bits set: the block is what its prefix says
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return new Cidr(bytes, prefix, t);
    }

    /** A comma-separated list of blocks; empty parts are an error. */
    public static List<Cidr> parseList(String text) {
        List<Cidr> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("empty address in '" + text + "'");
            }
            out.add(parse(part));
        }
        return List.copyOf(out);
    }

    /** Whether {@code address} lies in this block. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
            byte[] v4 = new byte[4];
            System.arraycopy(a, 12, v4, 0, 4);
            a = v4;
        } else if (a.length == 4 && network.length == 16 && isV4Mapped(network) && prefix >= 96) {
            return matches(a, v4Part(network), prefix - 96);
        }
        if (a.length != network.length) {
            return false;
        }
        return matches(a, network, prefix);
    }

    /** True if any block of {@code blocks} contains {@code address}. */
    public static boolean anyContains(List<Cidr> blocks, InetAddress address) {
        for (Cidr c : blocks) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(byte[] a, byte[] net, int prefix) {
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != net[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (net[full] & mask);
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }

    private static byte[] v4Part(byte[] a) {
        byte[] v4 = new byte[4];
        System.arraycopy(a, 12, v4, 0, 4);
        return v4;
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    public int prefixLength() {
        return prefix;
    }

    @Override
    public String toString() {
        return text;
    }

    /** For tests and logs: the address of the block's first host. */
    public InetAddress network() {
        try {
            return network.length == 4 ? Inet4Address.getByAddress(network) : InetAddress.getByAddress(network);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}

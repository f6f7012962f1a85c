package org.nioftpd.protocol;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a
 * bare address meaning one host: {@code /32} or {@code /128}), and whether an
 * address lies in it. No I/O: addresses are parsed by {@link IpLiteral}, so a
 * rule can never become a DNS lookup. Immutable and thread-safe.
 *
 * <p>IPv4 and its IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d}, what a dual-stack
 * socket reports for an IPv4 client) are one address here: {@code 10.0.0.0/8}
 * contains {@code ::ffff:10.1.2.3}, and a network written in mapped form
 * ({@code ::ffff:10.0.0.0/104}) is read as the IPv4 network it is
 * ({@code 10.0.0.0/8}). A native IPv6 address is never in an IPv4 network, nor the
 * reverse. Host bits set below the prefix ({@code 10.1.2.3/8}) are refused: such a
 * rule is almost always a typo, and silently widening it would admit or ban more
 * than its writer meant.
 */
public final class Cidr {

    /** The network's bytes: 4 for IPv4 (mapped forms unmapped), 16 for IPv6; host bits zero. */
    private final byte[] network;
    private final int prefix;

    private Cidr(byte[] network, int prefix) {
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * Parses {@code address[/prefix]}. Throws IllegalArgumentException, with a
     * message that quotes the text, if it is not an IP literal with a prefix
     * length in range and no host bits set.
     */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String addressText = slash < 0 ? t : t.substring(0, slash);
        if (addressText.startsWith("[") && addressText.endsWith("]")) {
            addressText = addressText.substring(1, addressText.length() - 1); // [2001:db8::]/32
        }
        InetAddress address;
        try {
            address = IpLiteral.parse(addressText);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("not an IP address or network (CIDR): '" + text + "'");
        }
        byte[] raw = address.getAddress();
        if (raw.length == 4 && addressText.indexOf(':') >= 0) {
            raw = mapped(raw); // the JDK unmaps ::ffff:a.b.c.d itself; the prefix is still an IPv6 one
        }
        int prefix = raw.length * 8;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("bad prefix length in '" + text + "'");
            }
            prefix = Integer.parseInt(p);
            if (prefix > raw.length * 8) {
                throw new IllegalArgumentException("prefix length " + prefix + " is too long for '" + text + "'");
            }
        }
        byte[] v4 = unmapped(raw);
        if (v4 != null) {
            if (prefix < 96) {
                throw new IllegalArgumentException("an IPv4-mapped network needs a prefix of /96 or more: '"
                        + text + "'");
            }
            raw = v4;
            prefix -= 96;
        }
        byte[] masked = mask(raw, prefix);
        if (!Arrays.equals(masked, raw)) {
            throw new IllegalArgumentException("host bits set below /" + (v4 != null ? prefix + 96 : prefix)
                    + " in '" + text + "' (did you mean " + new Cidr(masked, prefix) + "?)");
        }
        return new Cidr(masked, prefix);
    }

    /**
     * The network of {@code prefix} bits that holds {@code address} (host
     * bits cleared). An IPv4-mapped address is taken as IPv4, its prefix as
     * written for the mapped form (96 plus the IPv4 one).
     */
    public static Cidr of(InetAddress address, int prefix) {
        byte[] raw = address.getAddress();
        byte[] v4 = unmapped(raw);
        if (v4 != null) {
            raw = v4;
            prefix = Math.max(0, prefix - 96);
        }
        if (prefix < 0 || prefix > raw.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefix + " out of range for " + address);
        }
        return new Cidr(mask(raw, prefix), prefix);
    }

    /** The one-host network of {@code address}: /32 or /128. */
    public static Cidr host(InetAddress address) {
        return of(address, address.getAddress().length * 8);
    }

    /**
     * The network a ban or a failed-login count is kept for: the address
     * itself for IPv4, its {@code v6Prefix} network for IPv6 (one subscriber
     * usually holds a whole /64, and walking through it costs an attacker
     * nothing).
     */
    public static Cidr banKey(InetAddress address, int v6Prefix) {
        byte[] raw = address.getAddress();
        return raw.length == 4 || unmapped(raw) != null ? host(address) : of(address, v6Prefix);
    }

    /** Whether {@code address} is in this network (IPv4-mapped IPv6 counted as IPv4). */
    public boolean contains(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 16 && network.length == 4) {
            raw = unmapped(raw);
            if (raw == null) {
                return false;
            }
        }
        if (raw.length != network.length) {
            return false;
        }
        return matches(raw);
    }

    /** Whether every address of {@code other} is in this network. */
    public boolean contains(Cidr other) {
        return other.network.length == network.length && other.prefix >= prefix && matches(other.network);
    }

    private boolean matches(byte[] raw) {
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (raw[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xff << (8 - rest)) & 0xff;
        return (raw[full] & m) == (network[full] & m);
    }

    /** The prefix length, as written for IPv4 (0-32) or IPv6 (0-128). */
    public int prefixLength() {
        return prefix;
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    /** The network's first address. */
    public InetAddress address() {
        try {
            return InetAddress.getByAddress(network);
        } catch (UnknownHostException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Whether this network is one host (/32 or /128). */
    public boolean isHost() {
        return prefix == network.length * 8;
    }

    private static byte[] mask(byte[] raw, int prefix) {
        byte[] out = raw.clone();
        for (int bit = prefix; bit < out.length * 8; bit++) {
            out[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return out;
    }

    private static byte[] mapped(byte[] v4) {
        byte[] b = new byte[16];
        b[10] = (byte) 0xff;
        b[11] = (byte) 0xff;
        System.arraycopy(v4, 0, b, 12, 4);
        return b;
    }

    /** The IPv4 bytes of an IPv4-mapped IPv6 address, else null. */
    private static byte[] unmapped(byte[] raw) {
        if (raw.length != 16) {
            return null;
        }
        for (int i = 0; i < 10; i++) {
            if (raw[i] != 0) {
                return null;
            }
        }
        if ((raw[10] & 0xff) != 0xff || (raw[11] & 0xff) != 0xff) {
            return null;
        }
        return new byte[] {raw[12], raw[13], raw[14], raw[15]};
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 31 + prefix;
    }

    /** {@code 10.0.0.0/8}, {@code 2001:db8::/32}: the canonical form, which {@link #parse} reads back. */
    @Override
    public String toString() {
        InetAddress a = address();
        String text = a instanceof Inet4Address ? a.getHostAddress() : IpLiteral.rfc5952(network);
        return text + "/" + prefix;
    }
}

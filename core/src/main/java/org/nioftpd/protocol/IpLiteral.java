package org.nioftpd.protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals from the wire (EPRT, PROXY headers) and from the
 * daemon's command line and config file: the one parser, so that both read an
 * address the same way, and no input can ever become a DNS lookup: {@code
 * InetAddress.getByName} resolves anything that is not a literal.
 */
public final class IpLiteral {

    private IpLiteral() {
    }

    /**
     * A dotted quad, parsed by hand: exactly four decimal parts of 0-255,
     * without leading zeros ({@code 010} is 8 to inet_aton and 10 to others:
     * refused, as Go and Python refuse it since their CVE-2021-29923 and
     * CVE-2021-29921). Throws NumberFormatException if it is not one.
     */
    public static InetAddress v4(String text) throws UnknownHostException {
        String[] q = text.split("\\.", -1);
        if (q.length != 4) {
            throw new NumberFormatException(text);
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (q[i].isEmpty() || q[i].length() > 3 || (q[i].length() > 1 && q[i].charAt(0) == '0')
                    || !q[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new NumberFormatException(text);
            }
            int v = Integer.parseInt(q[i]);
            if (v > 255) {
                throw new NumberFormatException(text);
            }
            b[i] = (byte) v;
        }
        return InetAddress.getByAddress(b);
    }

    /**
     * An IPv6 literal: only hex digits, colons and dots reach the JDK's
     * parser, so it cannot look up a name. Throws NumberFormatException otherwise.
     */
    public static InetAddress v6(String text) throws UnknownHostException {
        if (text.isEmpty() || text.length() > 45 || text.indexOf(':') < 0) {
            throw new NumberFormatException(text);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                throw new NumberFormatException(text);
            }
        }
        return InetAddress.getByName(text);
    }

    /** Either form. */
    public static InetAddress parse(String text) throws UnknownHostException {
        return text.indexOf(':') >= 0 ? v6(text) : v4(text);
    }

    /** Same host, an IPv4 address and its IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d}) counting as one. */
    public static boolean sameHost(InetAddress a, InetAddress b) {
        return unmap(a).equals(unmap(b));
    }

    private static InetAddress unmap(InetAddress a) {
        if (a instanceof java.net.Inet6Address) {
            byte[] b = a.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException impossible) {
                    return a;
                }
            }
        }
        return a;
    }

    /**
     * RFC 5952 text of an IPv6 address's 16 bytes: lower-case hex, no leading
     * zeros, the longest run (two or more) of zero groups as "::". The one
     * formatter: CIDR text, log lines and the daemon's messages use it.
     */
    public static String rfc5952(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed (RFC 5952 4.2.2)
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}

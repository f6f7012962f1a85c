package org.nioftpd.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The PROXY protocol header (HAProxy, versions 1 and 2) that a load
 * balancer sends first on a connection, to say who the real client is.
 *
 * <p>Parsed incrementally from whatever has arrived, and never more than
 * the header: version 1 is one text line of at most 107 bytes,
 * {@code PROXY TCP4 192.0.2.1 198.51.100.1 56324 21\r\n}; version 2 is a
 * 16-byte binary preamble (a 12-byte signature, version and command,
 * family, length) followed by that many bytes of addresses and TLVs.
 */
public final class ProxyHeader {

    /** Longest version 1 line, CRLF included (the spec's figure). */
    static final int V1_MAX = 107;
    /** Longest version 2 header we accept (preamble + addresses + TLVs). */
    static final int V2_MAX = 16 + 512;

    private static final byte[] V2_SIGNATURE = {
        0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** The outcome of {@link #parse}. */
    public sealed interface Result permits NeedMore, Invalid, Parsed {
    }

    /** Not enough bytes yet; nothing was consumed. */
    public record NeedMore() implements Result {
    }

    /** Not a PROXY header, or a malformed one: close the connection. */
    public record Invalid(String why) implements Result {
    }

    /**
     * The header was consumed. {@code source} is the real client, or null
     * for a health check (v2 LOCAL, v1 UNKNOWN): use the socket's own peer.
     */
    public record Parsed(InetSocketAddress source) implements Result {
    }

    private static final NeedMore NEED_MORE = new NeedMore();

    private ProxyHeader() {
    }

    /**
     * Parses a header from {@code in} (read mode). On {@link Parsed}, the
     * header's bytes are consumed and whatever follows stays in {@code in}.
     */
    public static Result parse(ByteBuffer in) {
        if (in.remaining() == 0) {
            return NEED_MORE;
        }
        int start = in.position();
        byte first = in.get(start);
        if (first == 'P') {
            return parseV1(in);
        }
        if (first == 0x0D) {
            return parseV2(in);
        }
        return new Invalid("not a PROXY protocol header");
    }

    private static Result parseV1(ByteBuffer in) {
        int start = in.position();
        int end = -1;
        for (int i = start; i < in.limit() && i - start < V1_MAX; i++) {
            if (in.get(i) == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            return in.remaining() >= V1_MAX ? new Invalid("PROXY v1 line too long") : NEED_MORE;
        }
        if (end == start || in.get(end - 1) != '\r') {
            return new Invalid("PROXY v1 line must end with CRLF");
        }
        byte[] bytes = new byte[end - 1 - start];
        in.get(start, bytes);
        String[] p = new String(bytes, StandardCharsets.US_ASCII).split(" ", -1);
        if (p.length < 2 || !p[0].equals("PROXY")) {
            return new Invalid("not a PROXY v1 line");
        }
        if (p[1].equals("UNKNOWN")) {
            in.position(end + 1);
            return new Parsed(null);
        }
        if (p.length != 6 || !(p[1].equals("TCP4") || p[1].equals("TCP6"))) {
            return new Invalid("PROXY v1: expected TCP4|TCP6 src dst sport dport");
        }
        try {
            InetAddress source = p[1].equals("TCP4") ? IpLiteral.v4(p[2]) : IpLiteral.v6(p[2]);
            int port = Integer.parseInt(p[4]);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException(p[4]);
            }
            in.position(end + 1);
            return new Parsed(new InetSocketAddress(source, port));
        } catch (NumberFormatException | UnknownHostException e) {
            return new Invalid("PROXY v1: bad address or port");
        }
    }

    private static Result parseV2(ByteBuffer in) {
        int start = in.position();
        int have = in.remaining();
        for (int i = 0; i < V2_SIGNATURE.length && i < have; i++) {
            if (in.get(start + i) != V2_SIGNATURE[i]) {
                return new Invalid("not a PROXY v2 signature");
            }
        }
        if (have < 16) {
            return NEED_MORE;
        }
        int versionCommand = in.get(start + 12) & 0xff;
        int family = in.get(start + 13) & 0xff;
        int length = ((in.get(start + 14) & 0xff) << 8) | (in.get(start + 15) & 0xff);
        if (versionCommand >> 4 != 2) {
            return new Invalid("PROXY v2: unknown version");
        }
        if (16 + length > V2_MAX) {
            return new Invalid("PROXY v2: header too long");
        }
        if (have < 16 + length) {
            return NEED_MORE;
        }
        int command = versionCommand & 0x0f;
        int a = start + 16;
        InetSocketAddress source = null;
        try {
            if (command == 1) { // PROXY; 0 is LOCAL (a health check): keep the socket's peer
                switch (family >> 4) {
                    case 1 -> { // AF_INET: src addr 4, dst addr 4, src port 2, dst port 2
                        if (length < 12) {
                            return new Invalid("PROXY v2: short IPv4 block");
                        }
                        source = new InetSocketAddress(InetAddress.getByAddress(bytes(in, a, 4)), port(in, a + 8));
                    }
                    case 2 -> { // AF_INET6: 16 + 16 + 2 + 2
                        if (length < 36) {
                            return new Invalid("PROXY v2: short IPv6 block");
                        }
                        source = new InetSocketAddress(InetAddress.getByAddress(bytes(in, a, 16)), port(in, a + 32));
                    }
                    default -> source = null; // AF_UNSPEC or AF_UNIX: no IP to use
                }
            } else if (command != 0) {
                return new Invalid("PROXY v2: unknown command");
            }
        } catch (UnknownHostException impossible) {
            return new Invalid("PROXY v2: bad address");
        }
        in.position(start + 16 + length);
        return new Parsed(source);
    }

    private static byte[] bytes(ByteBuffer in, int at, int n) {
        byte[] b = new byte[n];
        in.get(at, b);
        return b;
    }

    private static int port(ByteBuffer in, int at) {
        return ((in.get(at) & 0xff) << 8) | (in.get(at + 1) & 0xff);
    }
}

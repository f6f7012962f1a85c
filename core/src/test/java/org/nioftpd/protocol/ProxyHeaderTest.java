package org.nioftpd.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProxyHeaderTest {

    private static byte[] v2(int command, int family, byte[] addresses) {
        ByteBuffer b = ByteBuffer.allocate(16 + addresses.length);
        b.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        b.put((byte) (0x20 | command)).put((byte) family).putShort((short) addresses.length).put(addresses);
        return b.array();
    }

    /** Feeds {@code header + "USER x\r\n"} cut at every point: NeedMore until whole, then the same result. */
    private static ProxyHeader.Parsed parseSplitEverywhere(byte[] header) {
        byte[] tail = "USER x\r\n".getBytes(StandardCharsets.US_ASCII);
        ProxyHeader.Parsed expected = null;
        for (int cut = 0; cut <= header.length; cut++) {
            ByteBuffer partial = ByteBuffer.wrap(header, 0, cut);
            ProxyHeader.Result r = ProxyHeader.parse(partial);
            if (cut < header.length) {
                assertInstanceOf(ProxyHeader.NeedMore.class, r, "cut at " + cut);
                assertEquals(0, partial.position(), "nothing consumed while incomplete");
            }
        }
        ByteBuffer whole = ByteBuffer.allocate(header.length + tail.length).put(header).put(tail).flip();
        ProxyHeader.Parsed p = assertInstanceOf(ProxyHeader.Parsed.class, ProxyHeader.parse(whole));
        assertEquals(header.length, whole.position(), "exactly the header is consumed");
        expected = p;
        return expected;
    }

    @Test
    void v1Tcp4AndTcp6() {
        ProxyHeader.Parsed p = parseSplitEverywhere(
                "PROXY TCP4 192.0.2.7 198.51.100.1 56324 21\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(new InetSocketAddress("192.0.2.7", 56324), p.source());
        p = parseSplitEverywhere("PROXY TCP6 2001:db8::1 2001:db8::2 4000 21\r\n".getBytes(StandardCharsets.US_ASCII));
        assertEquals(new InetSocketAddress("2001:db8::1", 4000), p.source());
        p = parseSplitEverywhere("PROXY UNKNOWN\r\n".getBytes(StandardCharsets.US_ASCII));
        assertNull(p.source());
    }

    @Test
    void v2Inet4Inet6AndLocal() {
        byte[] inet4 = {(byte) 192, 0, 2, 9, (byte) 198, 51, 100, 1, (byte) 0xC3, 0x50, 0, 21};
        assertEquals(new InetSocketAddress("192.0.2.9", 50000), parseSplitEverywhere(v2(1, 0x11, inet4)).source());
        byte[] inet6 = new byte[36];
        inet6[0] = 0x20;
        inet6[1] = 0x01;
        inet6[15] = 5;
        inet6[32] = 0x10;
        inet6[33] = 0x00;
        assertEquals(new InetSocketAddress("2001::5", 4096), parseSplitEverywhere(v2(1, 0x21, inet6)).source());
        assertNull(parseSplitEverywhere(v2(0, 0x00, new byte[0])).source(), "LOCAL: a health check");
    }

    @Test
    void rejectsWhatIsNotAHeader() {
        for (String s : new String[] {"USER anonymous\r\n", "PROXY TCP4 x y 1 2\r\n", "PROXY TCP4 1.2.3.4 5.6.7.8 99999 21\r\n",
                                      "PROXY TCP4 1.2.3.4 5.6.7.8 1 21\n", "PROXY TCP4 host.example 5.6.7.8 1 21\r\n",
                                      "GET / HTTP/1.1\r\n"}) {
            assertInstanceOf(ProxyHeader.Invalid.class,
                    ProxyHeader.parse(ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII))), s);
        }
        assertInstanceOf(ProxyHeader.Invalid.class,
                ProxyHeader.parse(ByteBuffer.wrap(("PROXY " + "1".repeat(200)).getBytes(StandardCharsets.US_ASCII))),
                "a v1 line longer than 107 bytes");
        byte[] v3 = v2(1, 0x11, new byte[12]);
        v3[12] = 0x31;
        assertInstanceOf(ProxyHeader.Invalid.class, ProxyHeader.parse(ByteBuffer.wrap(v3)));
    }
}

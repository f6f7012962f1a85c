package org.nioftpd.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CidrTest {

    private static InetAddress ip(String s) throws UnknownHostException {
        return IpLiteral.parse(s);
    }

    @Test
    void ipv4Blocks() throws UnknownHostException {
        Cidr c = Cidr.parse("10.0.0.0/8");
        assertTrue(c.contains(ip("10.255.1.2")));
        assertFalse(c.contains(ip("11.0.0.1")));
        Cidr odd = Cidr.parse("192.168.1.128/25");
        assertTrue(odd.contains(ip("192.168.1.200")));
        assertFalse(odd.contains(ip("192.168.1.127")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8")));
        assertFalse(Cidr.parse("0.0.0.0/0").contains(ip("::1")), "an IPv4 block holds no IPv6 address");
        Cidr host = Cidr.parse("127.0.0.1");
        assertEquals(32, host.prefixLength());
        assertTrue(host.contains(ip("127.0.0.1")));
        assertFalse(host.contains(ip("127.0.0.2")));
    }

    @Test
    void hostBitsAreMaskedAway() throws UnknownHostException {
        Cidr c = Cidr.parse("10.1.2.3/16");
        assertEquals(ip("10.1.0.0"), c.network());
        assertTrue(c.contains(ip("10.1.200.200")));
    }

    @Test
    void ipv6Blocks() throws UnknownHostException {
        Cidr c = Cidr.parse("2001:db8::/32");
        assertTrue(c.contains(ip("2001:db8:ffff::1")));
        assertFalse(c.contains(ip("2001:db9::1")));
        assertTrue(Cidr.parse("::1/128").contains(ip("::1")));
        assertFalse(Cidr.parse("::1/128").contains(ip("::2")));
        assertTrue(Cidr.parse("[fe80::]/10").contains(ip("febf::1")));
        assertFalse(Cidr.parse("fe80::/10").contains(ip("127.0.0.1")));
    }

    @Test
    void ipv4MappedClientsMatchIpv4Blocks() throws UnknownHostException {
        InetAddress mapped = InetAddress.getByAddress(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff,
                (byte) 0xff, 10, 1, 2, 3});
        assertTrue(Cidr.parse("10.0.0.0/8").contains(mapped));
        assertFalse(Cidr.parse("11.0.0.0/8").contains(mapped));
    }

    @Test
    void listsAndErrors() throws UnknownHostException {
        List<Cidr> l = Cidr.parseList("10.0.0.0/8, ::1/128");
        assertTrue(Cidr.anyContains(l, ip("::1")));
        assertTrue(Cidr.anyContains(l, ip("10.9.9.9")));
        assertFalse(Cidr.anyContains(l, ip("127.0.0.1")));
        for (String bad : List.of("10.0.0.0/33", "::/129", "10.0.0/8", "010.0.0.0/8", "example.com/8", "10.0.0.0/",
                "10.0.0.0/-1", "10.0.0.0/8/8", "")) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Cidr.parseList("10.0.0.0/8,,::1"));
    }
}

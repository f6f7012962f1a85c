package org.nioftpd.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CidrTest {

    private static InetAddress ip(String s) throws UnknownHostException {
        return IpLiteral.parse(s);
    }

    /** An Inet6Address that holds an IPv4-mapped address (the JDK's parser would unmap it to an Inet4Address). */
    private static InetAddress mappedV6(int a, int b, int c, int d) throws UnknownHostException {
        byte[] raw = new byte[16];
        raw[10] = (byte) 0xff;
        raw[11] = (byte) 0xff;
        raw[12] = (byte) a;
        raw[13] = (byte) b;
        raw[14] = (byte) c;
        raw[15] = (byte) d;
        return java.net.Inet6Address.getByAddress(null, raw, -1);
    }

    @Test
    void ipv4NetworksContainTheirAddressesOnly() throws Exception {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        assertTrue(ten.contains(ip("10.0.0.0")));
        assertTrue(ten.contains(ip("10.255.255.255")));
        assertFalse(ten.contains(ip("11.0.0.0")));
        assertFalse(ten.contains(ip("9.255.255.255")));
        Cidr odd = Cidr.parse("192.168.4.0/22"); // a prefix that is not a whole byte
        assertTrue(odd.contains(ip("192.168.7.255")));
        assertTrue(odd.contains(ip("192.168.4.0")));
        assertFalse(odd.contains(ip("192.168.8.0")));
        assertFalse(odd.contains(ip("192.168.3.255")));
        Cidr slash31 = Cidr.parse("10.1.1.2/31");
        assertTrue(slash31.contains(ip("10.1.1.3")));
        assertFalse(slash31.contains(ip("10.1.1.4")));
    }

    @Test
    void aBareAddressIsOneHost() throws Exception {
        Cidr one = Cidr.parse("127.0.0.2");
        assertEquals(32, one.prefixLength());
        assertTrue(one.isHost());
        assertTrue(one.contains(ip("127.0.0.2")));
        assertFalse(one.contains(ip("127.0.0.1")));
        Cidr v6 = Cidr.parse("::1");
        assertEquals(128, v6.prefixLength());
        assertTrue(v6.contains(ip("0:0:0:0:0:0:0:1")));
        assertFalse(v6.contains(ip("::2")));
    }

    @Test
    void zeroPrefixMatchesItsWholeFamilyOnly() throws Exception {
        Cidr all4 = Cidr.parse("0.0.0.0/0");
        assertTrue(all4.contains(ip("1.2.3.4")));
        assertTrue(all4.contains(ip("255.255.255.255")));
        assertFalse(all4.contains(ip("2001:db8::1")), "native IPv6 is not in an IPv4 network");
        Cidr all6 = Cidr.parse("::/0");
        assertTrue(all6.contains(ip("2001:db8::1")));
        assertFalse(all6.contains(ip("1.2.3.4")), "IPv4 is not in an IPv6 network");
    }

    @Test
    void ipv6Networks() throws Exception {
        Cidr doc = Cidr.parse("2001:db8::/32");
        assertTrue(doc.contains(ip("2001:db8:ffff::1")));
        assertFalse(doc.contains(ip("2001:db9::1")));
        Cidr odd = Cidr.parse("2001:db8:0:80::/57");
        assertTrue(odd.contains(ip("2001:db8:0:ff::1")));
        assertFalse(odd.contains(ip("2001:db8:0:7f::1")));
        assertTrue(Cidr.parse("[fe80::]/10").contains(ip("febf::1")), "brackets are allowed");
        assertFalse(Cidr.parse("fe80::/10").contains(ip("fec0::1")));
    }

    @Test
    void ipv4MappedAddressesCountAsIpv4() throws Exception {
        Cidr ten = Cidr.parse("10.0.0.0/8");
        assertTrue(ten.contains(ip("::ffff:10.1.2.3")), "what a dual-stack socket reports for 10.1.2.3");
        assertFalse(ten.contains(ip("::ffff:11.1.2.3")));
        Cidr mapped = Cidr.parse("::ffff:10.0.0.0/104");
        assertEquals(Cidr.parse("10.0.0.0/8"), mapped, "a mapped network is the IPv4 network it names");
        assertTrue(mapped.isIpv4());
        assertTrue(mapped.contains(ip("10.9.9.9")));
        assertEquals(Cidr.parse("10.1.2.3"), Cidr.host(mappedV6(10, 1, 2, 3)));
        assertTrue(ten.contains(mappedV6(10, 7, 7, 7)), "an Inet6Address holding a mapped address too");
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("::ffff:0.0.0.0/80"),
                "a mapped network shorter than /96 mixes the families");
    }

    @Test
    void hostBitsBelowThePrefixAreRefusedWithAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.1.2.3/8"));
        assertTrue(e.getMessage().contains("10.0.0.0/8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("2001:db8::1/64"));
    }

    @Test
    void malformedTextIsRefusedAndNeverLookedUp() {
        for (String bad : new String[] {"", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1",
                "10.0.0.0/8/8", "10.0.0/8", "010.0.0.0/8", "localhost", "example.com/24", "10.0.0.0/ 8",
                "10.0.0.0/0x8", "1.2.3.4/0008"}) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }

    @Test
    void canonicalTextReadsBack() throws Exception {
        for (String s : new String[] {"10.0.0.0/8", "0.0.0.0/0", "192.168.4.0/22", "127.0.0.1/32",
                "2001:db8::/32", "::/0", "::1/128", "fe80::/10", "2001:db8:0:1::/64", "2001:0:0:1::/64"}) {
            Cidr c = Cidr.parse(s);
            assertEquals(s, c.toString());
            assertEquals(c, Cidr.parse(c.toString()));
            assertEquals(c.hashCode(), Cidr.parse(c.toString()).hashCode());
        }
        assertEquals("2001:db8::/32", Cidr.parse("2001:DB8:0:0::/32").toString());
    }

    @Test
    void networkContainment() {
        assertTrue(Cidr.parse("10.0.0.0/8").contains(Cidr.parse("10.1.0.0/16")));
        assertTrue(Cidr.parse("10.0.0.0/8").contains(Cidr.parse("10.0.0.0/8")));
        assertFalse(Cidr.parse("10.1.0.0/16").contains(Cidr.parse("10.0.0.0/8")));
        assertFalse(Cidr.parse("0.0.0.0/0").contains(Cidr.parse("::/0")));
    }

    @Test
    void banKeysGroupIpv6ByPrefixAndKeepIpv4Hosts() throws Exception {
        Cidr a = Cidr.banKey(ip("2001:db8:1:2:aaaa::1"), 64);
        Cidr b = Cidr.banKey(ip("2001:db8:1:2:bbbb::2"), 64);
        assertEquals(a, b, "one /64, one key");
        assertEquals("2001:db8:1:2::/64", a.toString());
        assertEquals(Cidr.parse("2001:db8:1:3::/64"), Cidr.banKey(ip("2001:db8:1:3::9"), 64));
        assertEquals(Cidr.parse("2001:db8:1:2:aaaa::1"), Cidr.banKey(ip("2001:db8:1:2:aaaa::1"), 128));
        assertEquals(Cidr.parse("10.1.2.3/32"), Cidr.banKey(ip("10.1.2.3"), 64));
        assertEquals(Cidr.parse("10.1.2.3/32"), Cidr.banKey(mappedV6(10, 1, 2, 3), 64));
    }

    @Test
    void ofClearsHostBits() throws Exception {
        assertEquals(Cidr.parse("10.1.0.0/16"), Cidr.of(ip("10.1.200.7"), 16));
        assertEquals(Cidr.parse("10.1.0.0/16"), Cidr.of(mappedV6(10, 1, 200, 7), 112));
        assertThrows(IllegalArgumentException.class, () -> Cidr.of(ip("10.1.200.7"), 33));
    }
}

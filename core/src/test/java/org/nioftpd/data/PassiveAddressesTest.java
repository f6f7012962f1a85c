package org.nioftpd.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.protocol.IpLiteral;

/** The passive-address map: parsing, first match, and a host name that is never resolved on the caller's thread. */
@Timeout(20)
class PassiveAddressesTest {

    private static InetAddress ip(String s) throws Exception {
        return IpLiteral.parse(s);
    }

    @Test
    void firstMatchWinsAndNoMatchMeansLocal() throws Exception {
        PassiveAddresses p = PassiveAddresses.parse("10.0.0.0/8=local, 10.1.0.0/16=192.0.2.1,0.0.0.0/0=198.51.100.7");
        InetAddress local = ip("10.9.9.9");
        PassiveAddresses.Answer a = p.answer(ip("10.1.2.3"), local);
        assertEquals(local, a.announce(), "the /8 comes first, though the /16 is more specific");
        assertEquals(ip("198.51.100.7"), p.answer(ip("203.0.113.1"), local).announce());
        assertEquals(local, p.answer(ip("2001:db8::1"), local).announce(), "no IPv6 rule: local");
        assertEquals(local, p.answer(ip("203.0.113.1"), local).bind(), "not an address of this host: bind local");
        assertEquals("10.0.0.0/8=local,10.1.0.0/16=192.0.2.1,0.0.0.0/0=198.51.100.7", p.toString());
    }

    @Test
    void aSingleAddressIsForEveryone() throws Exception {
        PassiveAddresses p = PassiveAddresses.parse("192.0.2.1");
        assertEquals(ip("192.0.2.1"), p.answer(ip("2001:db8::1"), ip("::1")).announce());
        assertEquals(ip("127.0.0.5"), PassiveAddresses.parse("127.0.0.5").answer(ip("127.0.0.1"), ip("127.0.0.1")).bind(),
                "a loopback address is this host's: the listener binds there");
    }

    @Test
    void aHostNameIsResolvedByTheCallableItReturnsAndThenCached() throws Exception {
        PassiveAddresses p = PassiveAddresses.parse("127.0.0.0/8=LOCALHOST");
        PassiveAddresses.Answer first = p.answer(ip("127.0.0.2"), ip("127.0.0.1"));
        assertNull(first.announce(), "not resolved yet: nothing to announce on the loop");
        assertNotNull(first.pending());
        PassiveAddresses.Answer resolved = first.pending().call(); // what a worker does
        assertTrue(resolved.announce() instanceof java.net.Inet4Address);
        PassiveAddresses.Answer cached = p.answer(ip("127.0.0.2"), ip("127.0.0.1"));
        assertNull(cached.pending(), "cached now");
        assertEquals(resolved.announce(), cached.announce());
    }

    @Test
    void primingResolvesOnTheGivenExecutorOnly() throws Exception {
        PassiveAddresses p = PassiveAddresses.parse("0.0.0.0/0=localhost");
        List<Runnable> queued = new ArrayList<>();
        p.prime(queued::add);
        assertEquals(1, queued.size(), "one lookup queued, none run here");
        assertNotNull(p.answer(ip("192.0.2.1"), ip("127.0.0.1")).pending());
        queued.get(0).run();
        assertNull(p.answer(ip("192.0.2.1"), ip("127.0.0.1")).pending());
    }

    @Test
    void badSpecsAreRefusedWithTheirPart() {
        for (String bad : new String[] {"", "10.0.0.1,10.0.0.2", "10.0.0.0/8=", "10.0.0.0/8=local,",
                "10.0.0.0/8", "10.0.0.0/8=bad_name", "10.0.0.0/8=-x.example", "example.com=local",
                "10.0.0.0/8=1.2.3", "10.0.0.1/8=local"}) {
            assertThrows(IllegalArgumentException.class, () -> PassiveAddresses.parse(bad), bad);
        }
        assertTrue(PassiveAddresses.isHostName("ftp.example.com"));
        assertTrue(PassiveAddresses.isHostName("a-b.c"));
    }
}

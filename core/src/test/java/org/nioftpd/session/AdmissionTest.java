package org.nioftpd.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.protocol.Cidr;
import org.nioftpd.protocol.IpLiteral;

/** Bans: exemptions, IPv6 grouping, per-user mode, manual bans, and the bound on what is remembered. */
@Timeout(30)
class AdmissionTest {

    private static InetAddress ip(String s) throws Exception {
        return IpLiteral.parse(s);
    }

    private static Admission admission(int failures, List<String> exempt, int v6Prefix, Admission.BanMode mode) {
        return new Admission(100, 100, new Admission.BanPolicy(failures, Duration.ofMinutes(10),
                Duration.ofMinutes(15), exempt.stream().map(Cidr::parse).toList(), v6Prefix, mode));
    }

    @Test
    void failuresBanTheAddressButNeverAnExemptOne() throws Exception {
        Admission a = admission(3, List.of("127.0.0.0/8"), 64, Admission.BanMode.ADDRESS);
        for (int i = 0; i < 10; i++) {
            assertFalse(a.loginFailed(ip("127.0.0.1"), "monitor"), "exempt: never banned");
        }
        assertNull(a.admit(ip("127.0.0.1")));
        assertFalse(a.loginFailed(ip("192.0.2.1"), "x"));
        assertFalse(a.loginFailed(ip("192.0.2.1"), "y"));
        assertTrue(a.loginFailed(ip("192.0.2.1"), "z"));
        assertEquals("Too many failed logins from your address; try again later.", a.admit(ip("192.0.2.1")));
        assertNull(a.admit(ip("192.0.2.2")), "the neighbour is not banned");
        assertTrue(a.isBanned(ip("192.0.2.1"), "anyone"), "address mode: every user of the address");
        List<Admission.Ban> bans = a.bans();
        assertEquals(1, bans.size());
        assertEquals(Cidr.parse("192.0.2.1"), bans.get(0).network());
        assertNull(bans.get(0).user());
        assertFalse(bans.get(0).manual());
        assertTrue(bans.get(0).until().isAfter(Instant.now().plus(Duration.ofMinutes(14))));
    }

    @Test
    void ipv6FailuresAreCountedAndBannedPerSlash64() throws Exception {
        Admission a = admission(3, List.of(), 64, Admission.BanMode.ADDRESS);
        a.loginFailed(ip("2001:db8:1:2::1"), "u");
        a.loginFailed(ip("2001:db8:1:2::2"), "u");
        assertTrue(a.loginFailed(ip("2001:db8:1:2:ffff::3"), "u"), "three addresses of one /64 are one client");
        assertTrue(a.isBanned(ip("2001:db8:1:2::99")));
        assertFalse(a.isBanned(ip("2001:db8:1:3::1")), "the next /64 is someone else");
        assertEquals("2001:db8:1:2::/64", a.bans().get(0).network().toString());

        Admission single = admission(3, List.of(), 128, Admission.BanMode.ADDRESS);
        single.loginFailed(ip("2001:db8::1"), "u");
        single.loginFailed(ip("2001:db8::2"), "u");
        assertFalse(single.loginFailed(ip("2001:db8::3"), "u"), "with /128 each address counts alone");
    }

    @Test
    void addressAndUserModeBansThePairOnly() throws Exception {
        Admission a = admission(3, List.of(), 64, Admission.BanMode.ADDRESS_AND_USER);
        InetAddress nat = ip("198.51.100.7");
        a.loginFailed(nat, "alice");
        a.loginFailed(nat, "alice");
        assertTrue(a.loginFailed(nat, "alice"));
        assertTrue(a.isBanned(nat, "alice"));
        assertFalse(a.isBanned(nat, "bob"), "bob behind the same NAT still logs in");
        assertFalse(a.isBanned(nat), "the address itself is not banned: connections go on");
        assertNull(a.admit(nat));
        Admission.Ban ban = a.bans().get(0);
        assertEquals("alice", ban.user());
        assertTrue(ban.reason().contains("alice"), ban.reason());
        assertEquals(1, a.unban(Cidr.parse("198.51.100.0/24")), "unban of a wider network lifts it");
        assertFalse(a.isBanned(nat, "alice"));
    }

    @Test
    void manualBansRefuseWholeNetworksEvenExemptOnesAndCanBeLifted() throws Exception {
        Admission a = admission(3, List.of("10.0.0.0/8"), 64, Admission.BanMode.ADDRESS);
        a.ban(Cidr.parse("10.1.0.0/16"), Duration.ofHours(1), "abuse desk ticket 42");
        assertEquals("Your address is banned; try again later.", a.admit(ip("10.1.200.3")));
        assertTrue(a.isBanned(ip("::ffff:10.1.2.3")));
        assertNull(a.admit(ip("10.2.0.1")));
        Admission.Ban ban = a.bans().get(0);
        assertTrue(ban.manual());
        assertEquals("10.1.0.0/16", ban.network().toString());
        assertEquals("abuse desk ticket 42", ban.reason());
        assertEquals(0, a.unban(Cidr.parse("10.1.2.0/24")), "a narrower unban does not lift a wider ban");
        assertEquals(1, a.unban(Cidr.parse("10.1.0.0/16")));
        assertNull(a.admit(ip("10.1.200.3")));
        assertTrue(a.bans().isEmpty());
        a.ban(Cidr.parse("192.0.2.0/24"), Duration.ofDays(1_000_000), null);
        assertTrue(a.bans().get(0).until().isBefore(Instant.now().plus(Duration.ofDays(36_600))),
                "a ban for ever is clamped to about a century");
        assertThrows(IllegalArgumentException.class, () -> a.ban(Cidr.parse("192.0.2.0/24"), Duration.ZERO, null));
    }

    @Test
    void manualBansAreBounded() throws Exception {
        Admission a = admission(3, List.of(), 64, Admission.BanMode.ADDRESS);
        for (int i = 0; i < Admission.MAX_MANUAL_BANS; i++) {
            a.ban(Cidr.host(intToIp(i)), Duration.ofMinutes(5), null);
        }
        assertThrows(IllegalStateException.class, () -> a.ban(Cidr.parse("192.0.2.1"), Duration.ofMinutes(5), null));
        a.ban(Cidr.host(intToIp(0)), Duration.ofMinutes(9), "again"); // replacing one is allowed
    }

    @Test
    void failureCountsStayBoundedUnderAFloodOfAddresses() throws Exception {
        Admission a = admission(1000, List.of(), 64, Admission.BanMode.ADDRESS_AND_USER);
        for (int i = 0; i < Admission.MAX_TRACKED + 5_000; i++) {
            a.loginFailed(intToIp(i), "user" + (i % 7));
        }
        assertTrue(a.tracked() <= Admission.MAX_TRACKED, "tracked " + a.tracked());
        Admission banning = admission(1, List.of(), 64, Admission.BanMode.ADDRESS);
        for (int i = 0; i < Admission.MAX_TRACKED + 10; i++) {
            banning.loginFailed(intToIp(i), "x");
        }
        assertTrue(banning.tracked() <= Admission.MAX_TRACKED);
        assertNotNull(banning.admit(intToIp(5)), "the bans already made hold");
    }

    @Test
    void aRefusalIsLoggedOncePerAddressPerInterval() throws Exception {
        Admission a = admission(3, List.of(), 64, Admission.BanMode.ADDRESS);
        assertTrue(a.logRefusal(ip("192.0.2.1")));
        assertFalse(a.logRefusal(ip("192.0.2.1")));
        assertTrue(a.logRefusal(ip("192.0.2.2")));
    }

    private static InetAddress intToIp(int i) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
    }
}

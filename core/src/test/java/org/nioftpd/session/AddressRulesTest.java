package org.nioftpd.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.protocol.Cidr;
import org.nioftpd.protocol.IpLiteral;

/** The address rules' precedence: the most specific prefix decides, deny on a tie, order never matters. */
@Timeout(10)
class AddressRulesTest {

    private static AddressRules rules(List<String> allow, List<String> deny) {
        return new AddressRules(allow.stream().map(Cidr::parse).toList(), deny.stream().map(Cidr::parse).toList());
    }

    private static boolean permits(AddressRules r, String ip) throws Exception {
        return r.permits(IpLiteral.parse(ip));
    }

    @Test
    void noRulesAdmitEveryone() throws Exception {
        assertTrue(permits(AddressRules.NONE, "192.0.2.1"));
        assertTrue(permits(AddressRules.NONE, "2001:db8::1"));
    }

    @Test
    void aDenyListRefusesOnlyWhatItNames() throws Exception {
        AddressRules r = rules(List.of(), List.of("192.0.2.0/24", "2001:db8::/32"));
        assertFalse(permits(r, "192.0.2.77"));
        assertFalse(permits(r, "::ffff:192.0.2.77"));
        assertFalse(permits(r, "2001:db8:5::1"));
        assertTrue(permits(r, "198.51.100.1"));
        assertTrue(permits(r, "2001:db9::1"));
    }

    @Test
    void anAllowListRefusesWhatItDoesNotName() throws Exception {
        AddressRules r = rules(List.of("127.0.0.0/8", "::1"), List.of());
        assertTrue(permits(r, "127.0.0.2"));
        assertTrue(permits(r, "::1"));
        assertFalse(permits(r, "192.0.2.1"));
        assertFalse(permits(r, "::2"));
    }

    @Test
    void theMostSpecificRuleDecidesWhateverTheOrder() throws Exception {
        AddressRules a = rules(List.of("10.1.2.0/24"), List.of("10.0.0.0/8"));
        AddressRules b = rules(List.of("10.1.2.0/24"), List.of()).plus(rules(List.of(), List.of("10.0.0.0/8")));
        AddressRules c = rules(List.of(), List.of("10.0.0.0/8")).plus(rules(List.of("10.1.2.0/24"), List.of()));
        for (AddressRules r : Arrays.asList(a, b, c)) {
            assertTrue(permits(r, "10.1.2.7"), "the /24 allow is more specific than the /8 deny");
            assertFalse(permits(r, "10.9.9.9"), "only the /8 deny holds it");
            assertFalse(permits(r, "192.0.2.1"), "an allow rule exists: the unnamed are refused");
        }
        AddressRules hole = rules(List.of("10.0.0.0/8"), List.of("10.6.6.6"));
        assertFalse(permits(hole, "10.6.6.6"), "a deny for one host inside an allowed network");
        assertTrue(permits(hole, "10.6.6.7"));
    }

    @Test
    void aTieIsADeny() throws Exception {
        AddressRules r = rules(List.of("10.0.0.0/8"), List.of("10.0.0.0/8"));
        assertFalse(permits(r, "10.1.1.1"));
    }

    @Test
    void listenerRulesAddToTheGlobalOnes() throws Exception {
        AddressRules global = rules(List.of(), List.of("192.0.2.0/24"));
        AddressRules listener = rules(List.of("192.0.2.5"), List.of());
        AddressRules both = global.plus(listener);
        assertTrue(permits(both, "192.0.2.5"), "the listener's /32 allow beats the global /24 deny");
        assertFalse(permits(both, "192.0.2.6"));
        assertFalse(permits(both, "198.51.100.1"), "the listener's allow list refuses the rest");
        assertEquals("allow 192.0.2.5/32; deny 192.0.2.0/24", both.toString());
        assertTrue(global.plus(AddressRules.NONE) == global);
    }
}

package org.nioftpd.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one IP literal parser, for the wire (EPRT, PROXY) and the daemon's
 * options alike. Regression (architecture issue): core accepted leading zeros
 * ({@code EPRT |1|127.0.0.01|...}) where the daemon's own parser refused them.
 */
class IpLiteralTest {

    @Test
    void dottedQuads() throws Exception {
        assertArrayEquals(new byte[] {127, 0, 0, 1}, IpLiteral.v4("127.0.0.1").getAddress());
        assertArrayEquals(new byte[] {0, 0, 0, 0}, IpLiteral.parse("0.0.0.0").getAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.01", "010.0.0.1", "00.0.0.0", "1.2.3", "256.0.0.1", "1.2.3.4.5", "0x7f.0.0.1",
        "localhost", "1..2.3"})
    void notDottedQuads(String text) {
        assertThrows(NumberFormatException.class, () -> IpLiteral.v4(text), text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "fe80::1%eth0", "[::1]", "::g", ""})
    void notIpv6NorANameToLookUp(String text) {
        assertThrows(Exception.class, () -> IpLiteral.v6(text), text);
    }

    @Test
    void anIpv4AddressAndItsMappedFormAreOneHost() throws Exception {
        InetAddress v4 = IpLiteral.v4("127.0.0.1");
        assertTrue(IpLiteral.sameHost(v4, InetAddress.getByAddress(
                new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1})));
        assertFalse(IpLiteral.sameHost(v4, IpLiteral.v4("127.0.0.2")));
    }
}

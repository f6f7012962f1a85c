package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nioftpd.server.Values.BadValue;
import org.nioftpd.server.Values.User;

/** The value parsers alone, without sockets. */
@Timeout(10)
class ValuesTest {

    @Test
    void ipv4ByHand() throws Exception {
        assertArrayEquals(new byte[] {127, 0, 0, 1}, Values.ipv4("127.0.0.1").getAddress());
        assertArrayEquals(new byte[] {(byte) 255, (byte) 255, 0, 10}, Values.ipv4("255.255.0.10").getAddress());
        assertArrayEquals(new byte[] {0, 0, 0, 0}, Values.ipv4("0.0.0.0").getAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.", ".1.2.3",
        "1..2.3", "0x7f.0.0.1", "1.2.3.4 ", "+1.2.3.4", "1.2.3.-4", "١.2.3.4", "localhost", "1234.1.1.1"})
    void notIpv4(String text) {
        assertNull(Values.ipv4(text), text);
    }

    @Test
    void ipv6Literals() {
        assertInstanceOf(Inet6Address.class, Values.ipv6("::1"));
        assertInstanceOf(Inet6Address.class, Values.ipv6("fe80::1:2"));
        assertInstanceOf(Inet6Address.class, Values.ipv6("2001:DB8::1"));
        // IPv4-mapped comes back as IPv4, which is what it is
        assertInstanceOf(Inet4Address.class, Values.ipv6("::ffff:10.0.0.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1.2.3.4", "localhost", "::g", "fe80::1%eth0", "[::1]", "::1 ", "1:2:3:4:5:6:7:8:9",
        "ab.cd", "a:b:c:d:e:f:0:1:2"})
    void notIpv6(String text) {
        assertNull(Values.ipv6(text), text);
    }

    @Test
    void ipLiteralNeverResolvesNames() {
        // "localhost" would resolve if it ever reached InetAddress.getByName
        BadValue e = assertThrows(BadValue.class, () -> Values.ipLiteral("localhost"));
        assertEquals("not an IP address: 'localhost'", e.getMessage());
        assertThrows(BadValue.class, () -> Values.ipLiteral("example.com"));
    }

    @Test
    void hostPort() throws Exception {
        InetSocketAddress a = Values.hostPort("127.0.0.1:2121");
        assertEquals(InetAddress.getByName("127.0.0.1"), a.getAddress());
        assertEquals(2121, a.getPort());
        InetSocketAddress b = Values.hostPort("[::1]:0");
        assertEquals(InetAddress.getByName("::1"), b.getAddress());
        assertEquals(0, b.getPort());
        assertTrue(Values.hostPort("[::]:21").getAddress().isAnyLocalAddress());
        assertTrue(Values.hostPort("0.0.0.0:65535").getAddress().isAnyLocalAddress());
        assertTrue(Values.hostPort("localhost:21").getAddress().isLoopbackAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "127.0.0.1", "127.0.0.1:", ":21", "127.0.0.1:65536", "127.0.0.1:-1",
        "127.0.0.1:+21", "127.0.0.1:2x", "::1:21", "[::1]21", "[::1]", "[zz]:21", "[1.2.3.4]:21", "1.2.3:21",
        "256.0.0.1:21", "bad_host:21"})
    void badHostPort(String text) {
        assertThrows(BadValue.class, () -> Values.hostPort(text), text);
    }

    @Test
    void portRange() throws Exception {
        assertArrayEquals(new int[] {50000, 50100}, Values.portRange("50000-50100"));
        assertArrayEquals(new int[] {1, 65535}, Values.portRange("1-65535"));
        assertArrayEquals(new int[] {7, 7}, Values.portRange("7-7"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "50000", "0-10", "1-65536", "2000-1000", "a-b", "-5", "5-", "1--2", " 1-2"})
    void badPortRange(String text) {
        assertThrows(BadValue.class, () -> Values.portRange(text), text);
    }

    @Test
    void positiveInt() throws Exception {
        assertEquals(1, Values.positiveInt("1", 1024));
        assertEquals(1024, Values.positiveInt("1024", 1024));
        assertEquals("not a positive integer: '0'",
                assertThrows(BadValue.class, () -> Values.positiveInt("0", 1024)).getMessage());
        assertEquals("at most 1024: '1025'",
                assertThrows(BadValue.class, () -> Values.positiveInt("1025", 1024)).getMessage());
        for (String bad : new String[] {"", "-1", "+1", "x", "1.5", "99999999999", " 1"}) {
            assertThrows(BadValue.class, () -> Values.positiveInt(bad, 1024), bad);
        }
    }

    @Test
    void directory(@TempDir Path dir) throws Exception {
        assertEquals(dir.toAbsolutePath(), Values.directory(dir.toString()));
        Path file = Files.createFile(dir.resolve("f"));
        assertThrows(BadValue.class, () -> Values.directory(file.toString()));
        assertThrows(BadValue.class, () -> Values.directory(dir.resolve("missing").toString()));
        assertThrows(BadValue.class, () -> Values.directory(""));
        assertThrows(BadValue.class, () -> Values.directory("a\0b"));
    }

    @Test
    void userDefaultsToReadWrite() throws Exception {
        assertEquals(new User("alice", "secret", true), Values.user("alice:secret"));
        // one ':' only: the last field is the password, even if it reads "ro"
        assertEquals(new User("alice", "ro", true), Values.user("alice:ro"));
    }

    @Test
    void userModeIsReadFromTheRight() throws Exception {
        assertEquals(new User("alice", "secret", false), Values.user("alice:secret:ro"));
        assertEquals(new User("alice", "secret", true), Values.user("alice:secret:rw"));
        assertEquals(new User("bob", "a:b", true), Values.user("bob:a:b:rw"));
        assertEquals(new User("bob", "a:b:ro", false), Values.user("bob:a:b:ro:ro"));
        assertEquals(new User("bob", ":", false), Values.user("bob:::ro"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alice", ":secret", "alice:", "alice:a:b", "alice:secret:RO", "alice:secret:r",
        "alice::ro", ":x:rw", "al ice:secret", "alice:sec\tret"})
    void badUser(String text) {
        BadValue e = assertThrows(BadValue.class, () -> Values.user(text), text);
        assertFalse(e.getMessage().contains("secret"), "never echo a password: " + e.getMessage());
    }

    @Test
    void userToStringHidesThePassword() throws Exception {
        assertFalse(Values.user("alice:secret").toString().contains("secret"));
    }

    // ------------------------------------------------- the operations options

    @Test
    void rates() throws Exception {
        assertEquals(0, Values.rate("0"), "0 is no limit");
        assertEquals(1000, Values.rate("1000"));
        assertEquals(512 * 1024, Values.rate("512K"));
        assertEquals(512 * 1024, Values.rate("512k"));
        assertEquals(10L * 1024 * 1024, Values.rate("10M"));
        assertEquals(2L * 1024 * 1024 * 1024, Values.rate("2G"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "K", "-1", "1.5M", "10X", "10 M", "M10", "00", "99999999999G", "1T"})
    void badRate(String text) {
        BadValue e = assertThrows(BadValue.class, () -> Values.rate(text), text);
        assertEquals("not a rate (bytes per second, as in 512K or 10M; 0 for none): '" + text + "'", e.getMessage());
    }

    @Test
    void seconds() throws Exception {
        assertEquals(java.time.Duration.ofSeconds(30), Values.seconds("30", 1));
        assertEquals(java.time.Duration.ZERO, Values.seconds("0", 0));
        assertEquals("out of range 1-604800: '0'",
                assertThrows(BadValue.class, () -> Values.seconds("0", 1)).getMessage());
        assertEquals("out of range 1-604800: '604801'",
                assertThrows(BadValue.class, () -> Values.seconds("604801", 1)).getMessage());
        assertEquals("not a whole number: '1.5'",
                assertThrows(BadValue.class, () -> Values.seconds("1.5", 1)).getMessage());
        assertEquals("not a whole number: '-1'",
                assertThrows(BadValue.class, () -> Values.seconds("-1", 0)).getMessage());
    }

    @Test
    void ban() throws Exception {
        assertEquals(new Values.Ban(10, java.time.Duration.ofSeconds(600), java.time.Duration.ofSeconds(900)),
                Values.ban("10/600/900"));
        assertEquals(0, Values.ban("0").failures());
        assertEquals(0, Values.ban("0/1/1").failures());
        for (String bad : new String[] {"", "10", "10/600", "10/600/900/1", "x/600/900", "10/0/900", "10/600/0",
            "10//900", "-1/600/900"}) {
            assertThrows(BadValue.class, () -> Values.ban(bad), bad);
        }
    }

    @Test
    void logLevels() throws Exception {
        assertEquals(Values.LogLevel.DEBUG, Values.logLevel("debug"));
        assertEquals(Values.LogLevel.WARNING, Values.logLevel("WARNING"));
        assertEquals("expected error|warning|info|debug|trace: 'warn'",
                assertThrows(BadValue.class, () -> Values.logLevel("warn")).getMessage());
    }

    @Test
    void banner() throws Exception {
        assertEquals("Welcome to ACME FTP = files", Values.banner("Welcome to ACME FTP = files"));
        assertEquals("banner has a control character",
                assertThrows(BadValue.class, () -> Values.banner("hi\r\n230 forged")).getMessage());
        assertThrows(BadValue.class, () -> Values.banner(" "));
        assertThrows(BadValue.class, () -> Values.banner("x".repeat(201)));
    }

    @Test
    void virtualDirectory() throws Exception {
        assertEquals("/incoming", Values.virtualDirectory("/incoming"));
        assertEquals("/pub/incoming", Values.virtualDirectory("/pub/incoming"));
        for (String bad : new String[] {"", "/", "incoming", "/incoming/", "/../etc", "/a/./b", "//x", "/a\\b"}) {
            assertThrows(BadValue.class, () -> Values.virtualDirectory(bad), bad);
        }
    }

    @Test
    void files(@TempDir Path dir) throws Exception {
        Path f = Files.writeString(dir.resolve("users"), "");
        assertEquals(f.toAbsolutePath(), Values.existingFile(f.toString()));
        assertEquals("no such file: '" + dir.resolve("nope") + "'",
                assertThrows(BadValue.class, () -> Values.existingFile(dir.resolve("nope").toString())).getMessage());
        assertThrows(BadValue.class, () -> Values.existingFile(dir.toString()), "a directory is not a file");
        assertEquals(dir.resolve("new.log").toAbsolutePath(), Values.newFile(dir.resolve("new.log").toString()));
        assertEquals("no such directory: '" + dir.resolve("missing") + "'", assertThrows(BadValue.class,
                () -> Values.newFile(dir.resolve("missing").resolve("x.log").toString())).getMessage());
        assertThrows(BadValue.class, () -> Values.newFile(dir.toString()));
        assertThrows(BadValue.class, () -> Values.newFile(""));
    }

    @Test
    void booleans() throws Exception {
        assertTrue(Values.bool("true"));
        assertFalse(Values.bool("false"));
        assertEquals("expected true or false: 'yes'", assertThrows(BadValue.class, () -> Values.bool("yes")).getMessage());
    }

    @Test
    void formatShortensIpv6() throws Exception {
        assertEquals("127.0.0.1:21", Values.format(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 21)));
        assertEquals("[::1]:2121", Values.format(new InetSocketAddress(InetAddress.getByName("::1"), 2121)));
        assertEquals("[::]:21", Values.format(new InetSocketAddress(InetAddress.getByName("::"), 21)));
        assertEquals("2001:db8::1", shortV6("2001:0db8:0:0:0:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", shortV6("2001:db8:0:1:1:1:1:1")); // a single 0 group stays
        assertEquals("2001:0:0:1::1", shortV6("2001:0:0:1:0:0:0:1")); // the longest run wins
        assertEquals("1:0:0:4::8", shortV6("1:0:0:4:0:0:0:8"));
        assertEquals("1::4:0:0:8:8", shortV6("1:0:0:4:0:0:8:8")); // a tie: the first run
        assertEquals("fe80::", shortV6("fe80:0:0:0:0:0:0:0"));
    }

    private static String shortV6(String text) throws Exception {
        return Values.shortIpv6(InetAddress.getByName(text).getAddress());
    }
}

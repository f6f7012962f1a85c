package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nioftpd.server.Values.User;

/** Parsing the command line, --help, --version and every kind of bad input; no server is started. */
@Timeout(10)
class OptionsTest {

    @TempDir
    static Path dir;

    /** What Main.run printed and returned; the server part must never be reached here. */
    record Outcome(int status, String out, String err) {
    }

    static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                server -> {
                    throw new AssertionError("should not have started a server");
                });
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void defaults() throws Exception {
        Options o = Options.parse();
        assertEquals(Path.of("").toAbsolutePath(), o.root());
        assertTrue(o.users().isEmpty());
        assertTrue(o.anonymous(), "anonymous is on when no user is given");
        assertEquals(Runtime.getRuntime().availableProcessors(), o.loops());
        assertFalse(o.help());
        assertFalse(o.version());
    }

    @Test
    void eachOptionSpaceForm() throws Exception {
        Options o = Options.parse("--listen", "127.0.0.1:0", "--root", dir.toString(), "--user", "alice:pw",
                "--user", "bob:pw:ro", "--anonymous", "--passive-ports", "50000-50010",
                "--passive-address", "10.0.0.1", "--loops", "3");
        assertEquals(dir.toAbsolutePath(), o.root());
        assertEquals(List.of(new User("alice", "pw", true), new User("bob", "pw", false)), o.users());
        assertTrue(o.anonymous());
        assertEquals(3, o.loops());
    }

    @Test
    void eachOptionEqualsForm() throws Exception {
        Options o = Options.parse("--listen=[::1]:0", "--root=" + dir, "--user=alice:a=b:ro",
                "--passive-ports=1-2", "--passive-address=::1", "--loops=1");
        assertEquals(dir.toAbsolutePath(), o.root());
        // only the first '=' splits the option from its value
        assertEquals(List.of(new User("alice", "a=b", false)), o.users());
        assertFalse(o.anonymous(), "a --user turns anonymous off");
        assertEquals(1, o.loops());
    }

    @Test
    void valueMayStartWithDashes() throws Exception {
        // the argument after an option that takes one is its value, whatever it looks like
        assertEquals(List.of(new User("--x", "y", true)), Options.parse("--user", "--x:y").users());
    }

    @Test
    void helpIsGeneratedFromTheTable() {
        Outcome r = run("--help");
        assertEquals(0, r.status());
        assertEquals("", r.err());
        assertEquals(Options.helpText(), r.out());
        for (Options.Option opt : Options.TABLE) {
            assertTrue(r.out().contains("  " + opt.synopsis()), opt.synopsis());
        }
        for (String line : r.out().split("\n")) {
            assertTrue(line.length() <= 79, "fits a terminal: " + line);
        }
    }

    @Test
    void version() {
        Outcome r = run("--version");
        assertEquals(0, r.status());
        assertEquals("nioftpd " + Main.FALLBACK_VERSION + System.lineSeparator(), r.out());
        assertEquals("", r.err());
    }

    static Stream<Arguments> badCommandLines() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        List<Arguments> cases = new ArrayList<>();
        // args..., then the exact message
        add(cases, "unknown option '--foo'", "--foo");
        add(cases, "unknown option '--foo'", "--foo=bar");
        add(cases, "unknown option '-x'", "-x");
        add(cases, "unknown option '--Root'", "--Root", "/");
        add(cases, "unexpected argument 'serve'", "serve");
        add(cases, "unknown option '--'", "--");
        add(cases, "unexpected argument '-'", "-");
        add(cases, "--listen: missing HOST:PORT", "--listen");
        add(cases, "--listen: expected HOST:PORT: '127.0.0.1'", "--listen", "127.0.0.1");
        add(cases, "--listen: expected HOST:PORT: ''", "--listen=");
        add(cases, "--listen: port out of range 0-65535: '70000'", "--listen", "127.0.0.1:70000");
        add(cases, "--listen: not a port number: 'x'", "--listen", "127.0.0.1:x");
        add(cases, "--listen: IPv6 needs brackets, as in [::1]:2121: '::1:21'", "--listen", "::1:21");
        add(cases, "--listen: expected [IPV6]:PORT: '[::1]21'", "--listen", "[::1]21");
        add(cases, "--listen: not an IPv6 address: 'zz'", "--listen", "[zz]:21");
        add(cases, "--listen: not an IPv4 address: '1.2.3'", "--listen", "1.2.3:21");
        add(cases, "--listen: not an IPv4 address: '256.0.0.1'", "--listen", "256.0.0.1:21");
        add(cases, "--root: not a directory: '" + dir.resolve("missing") + "'", "--root", dir.resolve("missing").toString());
        add(cases, "--root: not a directory: '" + file + "'", "--root", file.toString());
        add(cases, "--root: given more than once", "--root", dir.toString(), "--root", dir.toString());
        add(cases, "--root: missing DIR", "--root");
        add(cases, "--user: expected NAME:PASSWORD[:ro|:rw]", "--user", "alice");
        add(cases, "--user: empty user name", "--user", ":pw");
        add(cases, "--user: empty password for 'alice'", "--user", "alice:");
        add(cases, "--user: expected NAME:PASSWORD[:ro|:rw] (a password with ':' needs :ro or :rw after it)",
                "--user", "alice:a:b");
        add(cases, "--user: expected NAME:PASSWORD[:ro|:rw] (a password with ':' needs :ro or :rw after it)",
                "--user", "alice:pw:RO");
        add(cases, "--user: user 'alice' given twice", "--user", "alice:x", "--user", "alice:y:ro");
        add(cases, "--anonymous: takes no value", "--anonymous=yes");
        add(cases, "--anonymous: given more than once", "--anonymous", "--anonymous");
        add(cases, "--passive-ports: expected LO-HI: '50000'", "--passive-ports", "50000");
        add(cases, "--passive-ports: low port above high port: '2000-1000'", "--passive-ports", "2000-1000");
        add(cases, "--passive-ports: port out of range 1-65535: '0'", "--passive-ports", "0-10");
        add(cases, "--passive-ports: port out of range 1-65535: '65536'", "--passive-ports", "1-65536");
        add(cases, "--passive-ports: not a port number: 'a'", "--passive-ports", "a-b");
        add(cases, "--passive-address: not an IP address: 'localhost'", "--passive-address", "localhost");
        add(cases, "--passive-address: not an IP address: 'ftp.example.com'", "--passive-address", "ftp.example.com");
        add(cases, "--passive-address: not an IP address: '1.2.3'", "--passive-address", "1.2.3");
        add(cases, "--passive-address: not an IP address: '01.2.3.4'", "--passive-address", "01.2.3.4");
        add(cases, "--passive-address: not an IP address: '::g'", "--passive-address", "::g");
        add(cases, "--passive-address: missing IP", "--passive-address");
        add(cases, "--loops: not a positive integer: 'x'", "--loops", "x");
        add(cases, "--loops: not a positive integer: '0'", "--loops", "0");
        add(cases, "--loops: not a positive integer: '-1'", "--loops", "-1");
        add(cases, "--loops: not a positive integer: ''", "--loops=");
        add(cases, "--loops: at most 1024: '5000'", "--loops", "5000");
        add(cases, "--loops: missing N", "--loops");
        add(cases, "--help: takes no value", "--help=me");
        // the first problem is the one reported, even with --help after it
        add(cases, "--loops: not a positive integer: 'x'", "--loops", "x", "--help");
        return cases.stream();
    }

    private static void add(List<Arguments> cases, String message, String... args) {
        cases.add(Arguments.of(List.of(args), message));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCommandLines")
    void badCommandLineIsOneLineAndStatus2(List<String> args, String message) {
        Outcome r = run(args.toArray(String[]::new));
        assertEquals(2, r.status(), r.err());
        assertEquals("", r.out());
        assertEquals("nioftpd: " + message + System.lineSeparator(), r.err());
    }

    @Test
    void badUserNeverEchoesThePassword() {
        for (String spec : new String[] {"alice:s3cret:x", "alice:s3cret:RW", ":s3cret", "al ice:s3cret"}) {
            Outcome r = run("--user", spec);
            assertEquals(2, r.status());
            assertTrue(r.err().startsWith("nioftpd: --user: "), r.err());
            assertFalse(r.err().contains("s3cret"), r.err());
        }
    }

    @Test
    void parseErrorNamesTheOption() {
        Options.UsageError e = assertThrows(Options.UsageError.class, () -> Options.parse("--loops", "x"));
        assertEquals("--loops: not a positive integer: 'x'", e.getMessage());
    }
}

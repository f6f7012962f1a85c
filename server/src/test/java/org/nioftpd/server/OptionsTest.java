package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
        add(cases, "unknown option '--foo'" + Options.SEE_HELP, "--foo");
        add(cases, "unknown option '--foo'" + Options.SEE_HELP, "--foo=bar");
        add(cases, "unknown option '-x'" + Options.SEE_HELP, "-x");
        add(cases, "unknown option '--Root'" + Options.SEE_HELP, "--Root", "/");
        add(cases, "unexpected argument 'serve'" + Options.SEE_HELP, "serve");
        add(cases, "unknown option '--'" + Options.SEE_HELP, "--");
        add(cases, "unexpected argument '-'" + Options.SEE_HELP, "-");
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
        add(cases, "--root: missing DIR|URI", "--root");
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
        add(cases, "--passive-address: not an IP address, host name or 'local': 'ftp_example.com'",
                "--passive-address", "ftp_example.com");
        add(cases, "--passive-address: expected CIDR=ADDRESS, got 'local'",
                "--passive-address", "10.0.0.0/8=10.0.0.1,local");
        add(cases, "--passive-address: several passive addresses need a network each: CIDR=ADDRESS,...",
                "--passive-address", "10.0.0.1,10.0.0.2");
        add(cases, "--passive-address: host bits set below /8 in '10.0.0.1/8' (did you mean 10.0.0.0/8?)",
                "--passive-address", "10.0.0.1/8=local");
        add(cases, "--passive-address: given more than once for all listeners (several networks go in one value:"
                + " CIDR=ADDR,CIDR=ADDR)", "--passive-address", "10.0.0.1", "--passive-address", "10.0.0.2");
        add(cases, "--allow-from: not an IP address or network (CIDR): 'example.com'", "--allow-from", "example.com");
        add(cases, "--deny-from: prefix length 33 is too long for '10.0.0.0/33'", "--deny-from", "10.0.0.0/33");
        add(cases, "--ban-exempt: bad prefix length in '10.0.0.0/x'", "--ban-exempt", "127.0.0.1,10.0.0.0/x");
        add(cases, "--ban-mode: expected address or address-and-user: 'user'", "--ban-mode", "user");
        add(cases, "--ban-ipv6-prefix: out of range 1-128: '0'", "--ban-ipv6-prefix", "0");
        add(cases, "--allow-from: @127.0.0.1:9 is not a --listen or --implicit-tls-listen address",
                "--allow-from", "10.0.0.0/8@127.0.0.1:9", "--listen", "127.0.0.1:0");
        add(cases, "--passive-address: not an IP address: '1.2.3'", "--passive-address", "1.2.3");
        add(cases, "--passive-address: not an IP address: '01.2.3.4'", "--passive-address", "01.2.3.4");
        add(cases, "--passive-address: not an IP address: '::g'", "--passive-address", "::g");
        add(cases, "--passive-address: missing ADDR|CIDR=ADDR,...[@LISTEN]", "--passive-address");
        add(cases, "--loops: not a positive integer: 'x'", "--loops", "x");
        add(cases, "--loops: not a positive integer: '0'", "--loops", "0");
        add(cases, "--loops: not a positive integer: '-1'", "--loops", "-1");
        add(cases, "--loops: not a positive integer: ''", "--loops=");
        add(cases, "--loops: at most 1024: '5000'", "--loops", "5000");
        add(cases, "--loops: missing N", "--loops");
        add(cases, "--help: takes no value", "--help=me");
        add(cases, "--users: no such file: '" + dir.resolve("missing") + "'", "--users", dir.resolve("missing").toString());
        add(cases, "--anonymous-root: not a directory: '" + file + "'", "--anonymous-root", file.toString());
        add(cases, "--anonymous-upload-dir: expected a directory under /, as in /incoming: 'incoming'",
                "--anonymous-upload-dir", "incoming");
        add(cases, "--max-download-rate: not a rate (bytes per second, as in 512K or 10M; 0 for none): '10X'",
                "--max-download-rate", "10X");
        add(cases, "--max-upload-rate: not a rate (bytes per second, as in 512K or 10M; 0 for none): '-1'",
                "--max-upload-rate", "-1");
        add(cases, "--ban: expected FAILURES/WINDOW_SECONDS/BAN_SECONDS, as in 10/600/900, or 0: '10/600'",
                "--ban", "10/600");
        add(cases, "--ban: out of range 1-604800: '0'", "--ban", "10/0/900");
        add(cases, "--log-level: expected error|warning|info|debug|trace: 'verbose'", "--log-level", "verbose");
        add(cases, "--xferlog: no such directory: '" + dir.resolve("missing") + "'",
                "--xferlog", dir.resolve("missing").resolve("xferlog").toString());
        add(cases, "--metrics-listen: expected HOST:PORT: '9100'", "--metrics-listen", "9100");
        add(cases, "--idle-timeout: out of range 1-604800: '0'", "--idle-timeout", "0");
        add(cases, "--login-timeout: not a whole number: '1m'", "--login-timeout", "1m");
        add(cases, "--shutdown-grace: not a whole number: 'soon'", "--shutdown-grace", "soon");
        add(cases, "--failed-login-delay: out of range 0-60000: '60001'", "--failed-login-delay", "60001");
        add(cases, "--max-line: out of range 64-1048576: '10'", "--max-line", "10");
        add(cases, "--max-sessions: not a positive integer: '0'", "--max-sessions", "0");
        add(cases, "--max-inflate-ratio: not a ratio (0 to 1000000, then /BYTES as in 100/64M): '1:100'",
                "--max-inflate-ratio", "1:100");
        add(cases, "--max-hash-bytes: not a size (bytes, as in 512K, 10M or 16G; 0 for none): 'lots'",
                "--max-hash-bytes", "lots");
        add(cases, "--max-checksums-per-address: not a whole number: '-1'",
                "--max-checksums-per-address", "-1");
        add(cases, "--max-login-failures: not a positive integer: 'x'", "--max-login-failures", "x");
        add(cases, "--banner: banner has a control character", "--banner", "hi\r\n230 ok");
        add(cases, "--proxy-protocol: takes no value", "--proxy-protocol=true");
        add(cases, "--check-config: takes no value", "--check-config=yes");
        add(cases, "--config: missing FILE", "--config");
        add(cases, "--config: given more than once", "--config", "a", "--config", "b");
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

    /** Every row parses a typical value: a new option needs a sample here, and so a test. */
    @Test
    void everyRowAcceptsATypicalValue() throws Exception {
        Files.createDirectories(dir.resolve("incoming"));
        Path users = Files.write(dir.resolve("users.txt"), List.of(LoginsTest.entry("bob", "pw", dir, "rw")));
        Path conf = Files.writeString(dir.resolve("empty.conf"), "# nothing\n");
        Map<String, String> samples = new HashMap<>();
        samples.put("listen", "127.0.0.1:0");
        samples.put("root", dir.toString());
        samples.put("passive-ports", "50000-50100");
        samples.put("passive-address", "192.0.2.1");
        samples.put("ban-exempt", "192.0.2.0/24,2001:db8::/32");
        samples.put("ban-ipv6-prefix", "56");
        samples.put("ban-mode", "address-and-user");
        samples.put("allow-from", "127.0.0.0/8,::1");
        samples.put("deny-from", "192.0.2.66");
        samples.put("banner", "Hello");
        samples.put("loops", "2");
        samples.put("user", "alice:pw:ro");
        samples.put("users", users.toString());
        samples.put("anonymous-root", dir.toString());
        samples.put("anonymous-upload-dir", "/incoming");
        samples.put("max-sessions", "100");
        samples.put("max-sessions-per-address", "5");
        samples.put("max-passive-per-address", "8");
        samples.put("max-download-rate", "10M");
        samples.put("max-upload-rate", "512K");
        samples.put("ban", "10/600/900");
        samples.put("max-login-failures", "3");
        samples.put("failed-login-delay", "1000");
        samples.put("max-line", "4096");
        samples.put("max-inflate-ratio", "100/64M");
        samples.put("max-path-depth", "128");
        samples.put("login-timeout", "60");
        samples.put("idle-timeout", "300");
        samples.put("data-timeout", "300");
        samples.put("accept-timeout", "60");
        samples.put("shutdown-grace", "30");
        samples.put("log-level", "debug");
        samples.put("log-format", "json");
        samples.put("dot-files", "users");
        samples.put("hide", "*.bak");
        samples.put("checksum-threads", "2");
        samples.put("max-checksums-per-address", "4");
        samples.put("max-hash-bytes", "16G");
        samples.put("deny", "*.key");
        samples.put("mount", "/shared " + dir);
        samples.put("rights", "/shared read-only");
        samples.put("quota", "/ 1G files=1000");
        samples.put("xferlog", dir.resolve("xferlog").toString());
        samples.put("metrics-listen", "127.0.0.1:0");
        Path token = Files.writeString(dir.resolve("metrics.token"), "t0ken\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        samples.put("metrics-token", token.toString());
        samples.put("config", conf.toString());
        samples.put("implicit-tls-listen", "127.0.0.1:0");
        samples.put("tls-cert", fixture("rsa-cert.pem").toString());
        samples.put("tls-key", fixture("rsa-key.pem").toString());
        samples.put("on-upload", "/usr/local/bin/scan \"$1\"");
        samples.put("on-delete", "logger deleted \"$NIOFTPD_VIRTUAL_PATH\"");
        samples.put("on-rename", "true");
        samples.put("on-mkdir", "true");
        samples.put("action-timeout", "60");
        samples.put("action-concurrency", "2");
        samples.put("action-queue", "1000");
        samples.put("webhook", "http://127.0.0.1:8080/ftp-events");
        samples.put("webhook-events", "upload, delete");
        samples.put("webhook-retries", "3");
        samples.put("tls-sni-cert", "ftp.example.org=" + samples.get("tls-cert") + ":" + samples.get("tls-key"));
        samples.put("tls-protocols", "TLSv1.3,TLSv1.2");
        samples.put("tls-ciphers", "TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        samples.put("tls-groups", "x25519,secp256r1");
        samples.put("tls-reload-interval", "10");
        samples.put("tls-client-auth", "want");
        samples.put("tls-client-ca", samples.get("tls-cert"));
        samples.put("ldap-url", "ldap://127.0.0.1:389/");
        samples.put("ldap-search-base", "ou=people,dc=example,dc=org");
        samples.put("ldap-user-filter", "(uid={user})");
        samples.put("ldap-filter", "(employeeType=ftp)");
        samples.put("ldap-bind-dn", "cn=ftp,dc=example,dc=org");
        samples.put("ldap-bind-password", "pw");
        samples.put("ldap-bind-password-file", Files.writeString(dir.resolve("ldap.pw"), "pw\n").toString());
        samples.put("ldap-ca", samples.get("tls-cert"));
        samples.put("ldap-home-attribute", "homeDirectory");
        samples.put("ldap-home-template", "/srv/ftp/{user}");
        samples.put("ldap-rights-attribute", "description");
        samples.put("ldap-default-rights", "rw");
        samples.put("ldap-timeout", "5");
        // The keystore is the other way to give the key: it has a run of its own below.
        Path p12 = fixture("server.p12");
        List<String> args = new ArrayList<>();
        for (Options.Option opt : Options.TABLE) {
            if (opt.name().equals("help") || opt.name().equals("version")) {
                continue; // they end the run early
            }
            if (opt.name().startsWith("tls-keystore")) {
                continue;
            }
            if (opt.name().equals("ldap-bind-dn-template")) {
                continue; // the other way to find LDAP users than --ldap-search-base: LoginOptionsTest
            }
            args.add("--" + opt.name());
            if (!opt.isFlag()) {
                assertTrue(samples.containsKey(opt.name()), "no sample value for --" + opt.name());
                args.add(samples.get(opt.name()));
            }
        }
        Options o = Options.parse(args.toArray(String[]::new));
        assertTrue(o.checkConfig());
        assertEquals(10L * 1024 * 1024, o.downloadRate());
        assertEquals(512 * 1024, o.uploadRate());
        assertEquals(2, o.logins().size(), "alice and bob");
        Outcome r = run(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        // with TLS, --check-config lists what it offers ("tls: ..." lines) before its verdict
        assertTrue(r.out().endsWith("configuration OK" + System.lineSeparator()), r.out());
        assertTrue(r.out().lines().filter(l -> !l.equals("configuration OK")).allMatch(l -> l.startsWith("tls: ")), r.out());
        r = run("--tls-keystore", p12.toString(), "--tls-keystore-password", "changeit", "--check-config");
        assertEquals(0, r.status(), r.err());
    }

    /** A TLS fixture of the core test-jar (core/src/test/resources/tls), copied to a file. */
    private Path fixture(String name) throws IOException {
        Path p = dir.resolve(name);
        try (java.io.InputStream in = getClass().getResourceAsStream("/tls/" + name)) {
            Files.copy(in, p);
        }
        return p;
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

    /** The README shows --help as it is: a new option, or a changed line, is in both. */
    @Test
    void readmeShowsTheHelpAsItIs() throws Exception {
        Path here = Path.of("").toAbsolutePath();
        Path readme = (Files.exists(here.resolve("README.md")) ? here : here.getParent()).resolve("README.md");
        String text = Files.readString(readme);
        int start = text.indexOf("```\nUsage: java -jar nioftpd.jar");
        assertTrue(start >= 0, "README.md shows the help");
        int end = text.indexOf("```\n", start + 4);
        assertEquals(Options.helpText(), text.substring(start + 4, end));
    }
}

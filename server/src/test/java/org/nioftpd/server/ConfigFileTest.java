package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nioftpd.server.Values.User;

/** --config and --check-config: the file's syntax, its errors, and how the command line overrides it. */
@Timeout(60)
class ConfigFileTest extends DaemonTestBase {

    private Path config(String... lines) throws Exception {
        return Files.write(dir.resolve("nioftpd.conf"), List.of(lines));
    }

    @Test
    void everyLineForm() throws Exception {
        Path root = Files.createDirectories(dir.resolve("srv"));
        Path conf = config(
                "# nioftpd",
                "",
                "   # an indented comment",
                "root = " + root,
                "listen 127.0.0.1:0",
                "listen=[::1]:0",
                "user = alice:pw#1 = x:rw", // '#' and '=' inside a value are the value's
                "user\tbob:pw:ro",
                "anonymous = true",
                "proxy-protocol = false",
                "shutdown-grace = 5   ",
                "log-level=debug",
                "banner = Welcome to   ACME");
        Options o = Options.parse("--config", conf.toString());
        assertEquals(root, o.root());
        assertEquals(List.of(new User("alice", "pw#1 = x", true), new User("bob", "pw", false)), o.users());
        assertTrue(o.anonymous());
        assertEquals(Duration.ofSeconds(5), o.shutdownGrace());
        assertEquals(Values.LogLevel.DEBUG, o.logLevel());
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstName() throws Exception {
        Files.writeString(dir.resolve("bom.conf"), "\uFEFFloops = 3\n");
        assertEquals(3, Options.parse("--config", dir.resolve("bom.conf").toString()).loops());
    }

    @Test
    void theCommandLineOverridesTheFile() throws Exception {
        Path fileRoot = Files.createDirectories(dir.resolve("from-file"));
        Path cliRoot = Files.createDirectories(dir.resolve("from-cli"));
        Path conf = config("root = " + fileRoot, "loops = 3", "user = alice:pw", "user = bob:pw", "log-level = error");
        // before or after --config: the command line wins either way
        Options o = Options.parse("--root", cliRoot.toString(), "--config", conf.toString(), "--loops", "2");
        assertEquals(cliRoot, o.root());
        assertEquals(2, o.loops());
        assertEquals(List.of(new User("alice", "pw", true), new User("bob", "pw", true)), o.users());
        assertEquals(Values.LogLevel.ERROR, o.logLevel());
    }

    @Test
    void aRepeatableOptionOnTheCommandLineReplacesTheFilesValues() throws Exception {
        Path conf = config("user = alice:pw", "user = bob:pw");
        Options o = Options.parse("--config", conf.toString(), "--user", "carol:pw:ro");
        assertEquals(List.of(new User("carol", "pw", false)), o.users());
    }

    @Test
    void aFileOnlyUsedWhereTheCommandLineIsSilent() throws Exception {
        Path conf = config("loops = 3");
        Options o = Options.parse("--config", conf.toString(), "--user", "alice:pw");
        assertEquals(3, o.loops());
        assertFalse(o.anonymous());
    }

    @Test
    void theFileDrivesARealServer() throws Exception {
        Files.writeString(dir.resolve("hello.txt"), "hi");
        Path conf = config("listen = 127.0.0.1:0", "root = " + dir, "loops = 1", "user = alice:secret:ro",
                "failed-login-delay = 0", "banner = Hello from the file");
        Daemon d = start("--config", conf.toString());
        var c = connect(d);
        assertEquals("220 Hello from the file", c.getReplyString().strip());
        assertTrue(c.login("alice", "secret"), c.getReplyString());
        assertEquals("hi", new String(download(c, "hello.txt")));
        assertFalse(canLogin(d, "anonymous", "x@y"));
    }

    static Stream<Arguments> badFiles() {
        List<Arguments> cases = new ArrayList<>();
        // the file's lines, then the message after "nioftpd: FILE:"
        add(cases, "2: lisen: unknown option", "root = /", "lisen = 127.0.0.1:21");
        add(cases, "1: --listen: unknown option (write names without '--')", "--listen = 127.0.0.1:21");
        add(cases, "1: loops: not a positive integer: 'x'", "loops = x");
        add(cases, "1: loops: not a positive integer: 'x'", "loops x");
        add(cases, "3: root: given more than once", "root = /", "", "root = /tmp");
        add(cases, "1: root: missing DIR|URI", "root =");
        add(cases, "1: root: missing DIR|URI", "root");
        add(cases, "1: anonymous: expected true or false: 'yes'", "anonymous = yes");
        add(cases, "1: anonymous: expected true or false: ''", "anonymous");
        add(cases, "1: config: only on the command line", "config = other.conf");
        add(cases, "1: check-config: only on the command line", "check-config = true");
        add(cases, "1: help: only on the command line", "help = true");
        add(cases, "1: expected 'name = value'", "= 127.0.0.1:21");
        add(cases, "2: user: user 'alice' given twice", "user = alice:a", "user = alice:b:ro");
        add(cases, "1: max-download-rate: not a rate (bytes per second, as in 512K or 10M; 0 for none): '10X'",
                "max-download-rate = 10X");
        add(cases, "1: banner: banner has a control character", "banner = a\u0007b");
        return cases.stream();
    }

    private static void add(List<Arguments> cases, String message, String... lines) {
        cases.add(Arguments.of(List.of(lines), message));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badFiles")
    void aBadLineIsOneLineNamingFileLineAndKey(List<String> lines, String message) throws Exception {
        Path conf = config(lines.toArray(String[]::new));
        Outcome r = runWithoutServer("--config", conf.toString());
        assertEquals(2, r.status(), r.err());
        assertEquals("", r.out());
        assertEquals("nioftpd: " + conf + ":" + message + System.lineSeparator(), r.err());
    }

    @Test
    void aMissingFile() {
        Outcome r = runWithoutServer("--config", dir.resolve("nope.conf").toString());
        assertEquals(2, r.status());
        assertEquals("nioftpd: --config: no such file: '" + dir.resolve("nope.conf") + "'" + System.lineSeparator(),
                r.err());
    }

    @Test
    void aCommandLineValueErrorStillNamesTheOption() throws Exception {
        Path conf = config("loops = 2");
        Outcome r = runWithoutServer("--config", conf.toString(), "--loops", "0");
        assertEquals(2, r.status());
        assertEquals("nioftpd: --loops: not a positive integer: '0'" + System.lineSeparator(), r.err());
    }

    // ------------------------------------------------------------ --check-config

    @Test
    void checkConfigSaysOkWithoutStartingAnything() throws Exception {
        Path log = dir.resolve("xfer.log");
        Path users = Files.write(dir.resolve("users"), List.of(LoginsTest.entry("bob", "pw", dir, "rw")));
        // port 0: --check-config binds each listener once, and port 21 needs a privilege the tests may not have
        Path conf = config("listen = 127.0.0.1:0", "root = " + dir, "users = " + users, "xferlog = " + log,
                "metrics-listen = 127.0.0.1:0");
        Outcome r = runWithoutServer("--config", conf.toString(), "--check-config");
        assertEquals(0, r.status(), r.err());
        assertEquals("configuration OK" + System.lineSeparator(), r.out());
        assertEquals("", r.err());
        assertFalse(Files.exists(log), "checking creates no file");
    }

    @Test
    void checkConfigWithoutAFileChecksTheCommandLine() {
        Outcome ok = runWithoutServer("--check-config", "--root", dir.toString(), "--max-sessions", "5");
        assertEquals(0, ok.status(), ok.err());
        Outcome bad = runWithoutServer("--check-config", "--max-sessions", "0");
        assertEquals(2, bad.status());
        assertEquals("nioftpd: --max-sessions: not a positive integer: '0'" + System.lineSeparator(), bad.err());
    }

    @Test
    void checkConfigReadsTheUsersFile() throws Exception {
        Path users = Files.write(dir.resolve("users"),
                List.of(LoginsTest.entry("bob", "pw", dir, "rw"), "carol:$pbkdf2-sha256$1$x$y:/srv:rw"));
        Path conf = config("# users", "users = " + users);
        Outcome r = runWithoutServer("--config", conf.toString(), "--check-config");
        assertEquals(2, r.status());
        assertEquals("nioftpd: " + conf + ":2: users: " + users + ":2: password of 'carol' is not a $pbkdf2-sha256$"
                + " hash (make one with: java -jar nioftpd.jar hash-password)" + System.lineSeparator(), r.err());
    }

    @Test
    void checkConfigFindsAMissingDropBox() throws Exception {
        Outcome r = runWithoutServer("--check-config", "--root", dir.toString(), "--anonymous-upload-dir", "/incoming");
        assertEquals(2, r.status());
        assertEquals("nioftpd: --anonymous-upload-dir: no directory '/incoming' in " + dir + System.lineSeparator(),
                r.err());
    }
}

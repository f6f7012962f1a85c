package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.auth.PasswordHash;

/** --users with --user, the reload, hash-password, and the anonymous options, on real servers. */
@Timeout(60)
class UsersOptionsTest extends DaemonTestBase {

    @Test
    void usersFileAndCommandLineUsersBothLogIn() throws Exception {
        Path bobHome = Files.createDirectories(dir.resolve("bob"));
        Files.writeString(bobHome.resolve("mine.txt"), "bob's");
        Path users = Files.write(dir.resolve("users"), List.of(LoginsTest.entry("bob", "bobpw", bobHome, "ro")));
        Daemon d = start("--users", users.toString(), "--user", "alice:alicepw");

        FTPClient bob = login(d, "bob", "bobpw");
        assertEquals("bob's", new String(download(bob, "mine.txt"), StandardCharsets.UTF_8), "served his home");
        assertFalse(upload(bob, "x", new byte[1]), "ro");
        FTPClient alice = login(d, "alice", "alicepw");
        assertTrue(upload(alice, "a.txt", new byte[] {1}), alice.getReplyString());
        assertTrue(Files.exists(dir.resolve("a.txt")), "--user logins are served --root");
        assertFalse(canLogin(d, "bob", "alicepw"));
        assertFalse(canLogin(d, "anonymous", "x@y"), "a users file turns anonymous off");
    }

    @Test
    void startupLineCountsUsersOfBothKinds() throws Exception {
        Path users = Files.write(dir.resolve("users"), List.of(LoginsTest.entry("bob", "pw", dir, "ro"),
                LoginsTest.entry("carol", "pw", dir, "ro")));
        Outcome r = run(server -> { }, "--listen", "127.0.0.1:0", "--root", dir.toString(), "--loops", "1",
                "--users", users.toString(), "--user", "alice:pw", "--anonymous");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().matches("nioftpd \\S+ listening on 127\\.0\\.0\\.1:\\d+ \\(root .*, 3 users,"
                + " anonymous read-only, 1 loop\\)\\R"), r.out());
    }

    @Test
    void reloadTakesNewUsersAndKeepsSessions() throws Exception {
        Path users = Files.write(dir.resolve("users"), List.of(LoginsTest.entry("bob", "pw", dir, "rw")));
        Daemon d = start("--users", users.toString());
        FTPClient bob = login(d, "bob", "pw");
        assertFalse(canLogin(d, "carol", "pw"));

        Files.write(users, List.of(LoginsTest.entry("carol", "pw", dir, "rw")));
        assertTrue(d.reload());
        assertTrue(canLogin(d, "carol", "pw"));
        assertFalse(canLogin(d, "bob", "pw"), "bob is gone for new logins");
        assertTrue(bob.sendNoOp(), "but his session stays: " + bob.getReplyString());
        assertEquals("/", bob.printWorkingDirectory());
    }

    @Test
    void reloadOfABadFileLogsOneLineAndKeepsTheOldUsers() throws Exception {
        Path users = Files.write(dir.resolve("users"), List.of(LoginsTest.entry("bob", "pw", dir, "rw")));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Logging.configure(Values.LogLevel.INFO, new PrintStream(log, true, StandardCharsets.UTF_8));
        Daemon d = start("--users", users.toString());

        Files.write(users, List.of(LoginsTest.entry("carol", "pw", dir, "rw"), "dave:pw:/x:rw"));
        assertFalse(d.reload());
        assertTrue(canLogin(d, "bob", "pw"));
        assertFalse(canLogin(d, "carol", "pw"));
        List<String> errors = log.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(" ERROR ")).toList();
        assertEquals(1, errors.size(), log.toString(StandardCharsets.UTF_8));
        assertTrue(errors.get(0).endsWith(" ERROR users file not reloaded, the previous users stay: " + users
                + ":2: password of 'dave' is not a $pbkdf2-sha256$ hash (make one with: java -jar nioftpd.jar"
                + " hash-password)"), errors.get(0));
    }

    // ------------------------------------------------------------ hash-password

    @Test
    void hashPasswordReadsALineFromStdin() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.hashPassword(new String[0], null,
                new ByteArrayInputStream("correct horse\r\nignored\n".getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        String hash = out.toString(StandardCharsets.UTF_8).strip();
        assertTrue(hash.startsWith("$pbkdf2-sha256$" + PasswordHash.DEFAULT_ITERATIONS + "$"), hash);
        assertTrue(PasswordHash.verify("correct horse".toCharArray(), hash), "the CR of a CRLF is not the password's");
        assertEquals(1, out.toString(StandardCharsets.UTF_8).lines().count());
    }

    @Test
    void hashPasswordRefusesNothingAndArguments() {
        for (String[] args : new String[][] {{}, {"secret"}}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = Main.hashPassword(args, null, new ByteArrayInputStream(new byte[0]),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(2, status);
            assertEquals("", out.toString(StandardCharsets.UTF_8));
            assertEquals(args.length == 0 ? "nioftpd: hash-password: empty password" + System.lineSeparator()
                    : "nioftpd: hash-password: takes no argument (the password is read from stdin)"
                            + System.lineSeparator(), err.toString(StandardCharsets.UTF_8));
        }
    }

    // ---------------------------------------------------------------- anonymous

    @Test
    void anonymousRootIsServedToAnonymousOnly() throws Exception {
        Path pub = Files.createDirectories(dir.resolve("pub"));
        Files.writeString(pub.resolve("public.txt"), "for all");
        Files.writeString(dir.resolve("private.txt"), "for alice");
        Daemon d = start("--user", "alice:pw", "--anonymous-root", pub.toString());
        FTPClient anon = login(d, "anonymous", "guest@example.com");
        assertEquals("for all", new String(download(anon, "/public.txt"), StandardCharsets.UTF_8));
        assertFalse(anon.retrieveFile("/private.txt", new ByteArrayOutputStream()));
        FTPClient alice = login(d, "alice", "pw");
        assertEquals("for alice", new String(download(alice, "/private.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void anonymousUploadDirIsADropBox() throws Exception {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        Files.writeString(incoming.resolve("earlier.txt"), "someone else's");
        Files.writeString(dir.resolve("readme.txt"), "read me");
        Daemon d = start("--user", "alice:pw", "--anonymous-upload-dir", "/incoming");
        FTPClient anon = login(d, "ftp", "guest@example.com");

        byte[] data = "dropped".getBytes(StandardCharsets.UTF_8);
        assertTrue(upload(anon, "/incoming/new.txt", data), anon.getReplyString());
        assertArrayEquals(data, Files.readAllBytes(incoming.resolve("new.txt")));
        assertFalse(upload(anon, "/incoming/earlier.txt", data), "no overwriting");
        assertEquals("someone else's", Files.readString(incoming.resolve("earlier.txt")));
        assertFalse(anon.retrieveFile("/incoming/earlier.txt", new ByteArrayOutputStream()), "no reading");
        String[] names = anon.listNames("/incoming");
        assertTrue(names == null || names.length == 0, "no listing: " + (names == null ? "" : List.of(names)));
        assertFalse(upload(anon, "/elsewhere.txt", data), "uploads only there");
        assertEquals("read me", new String(download(anon, "/readme.txt"), StandardCharsets.UTF_8),
                "the rest stays readable");
    }
}

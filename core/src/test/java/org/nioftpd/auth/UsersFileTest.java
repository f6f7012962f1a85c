package org.nioftpd.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

@Timeout(60)
class UsersFileTest {

    @TempDir
    Path dir;

    /** Few iterations: these tests check the format, not the cost. */
    private static String hash(String password) {
        return PasswordHash.create(password.toCharArray(), 1000);
    }

    @Test
    void hashesVerify() {
        String h = PasswordHash.create("s3cret".toCharArray(), 1000);
        assertTrue(h.startsWith("$pbkdf2-sha256$1000$"));
        assertTrue(PasswordHash.verify("s3cret".toCharArray(), h));
        assertFalse(PasswordHash.verify("s3cret!".toCharArray(), h));
        assertFalse(h.equals(PasswordHash.create("s3cret".toCharArray(), 1000)), "salted: two hashes differ");
        assertFalse(PasswordHash.isValid("plain"));
        assertFalse(PasswordHash.isValid("$pbkdf2-sha256$x$AAAA$AAAA"));
    }

    /** Issue 13: a home may be a URI of any provider; its ':'s do not split the line. */
    @Test
    void aHomeMayBeAUriOfAnyProvider() throws Exception {
        try (java.nio.file.FileSystem mem = com.google.common.jimfs.Jimfs.newFileSystem("users-file-test")) {
            Files.createDirectories(mem.getPath("/homes/carol"));
            Path zip = dir.resolve("a.zip");
            try (java.nio.file.FileSystem z = java.nio.file.FileSystems.newFileSystem(zip, java.util.Map.of("create", "true"))) {
                Files.createDirectories(z.getPath("/pub"));
            }
            Path users = dir.resolve("users");
            Files.writeString(users,
                    "carol:" + hash("c") + ":jimfs://users-file-test/homes/carol:rw:max-sessions=1\n"
                    + "dave:" + hash("d") + ":jar:" + zip.toUri() + "!/pub:ro\n");
            UsersFile f = new UsersFile(users);
            UserAccount carol = f.authenticate("carol", "c");
            assertNotNull(carol);
            assertEquals(mem.getPath("/homes/carol"), carol.home());
            assertTrue(carol.writable());
            UserAccount dave = f.authenticate("dave", "d");
            assertNotNull(dave);
            assertEquals("/pub", dave.home().toString());
            assertFalse(dave.writable());
            dave.home().getFileSystem().close();
        }
        Path bad = dir.resolve("bad");
        Files.writeString(bad, "erin:" + hash("e") + ":nosuchscheme://x/y:rw\n");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new UsersFile(bad));
        assertTrue(e.getMessage().contains("no file system provider handles the scheme 'nosuchscheme:'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("class path"), e.getMessage());
    }

    @Test
    void parsesUsersOptionsAndDisabled() throws Exception {
        Path home = Files.createDirectories(dir.resolve("alice"));
        Path users = dir.resolve("users");
        Files.writeString(users, "# comment\n\n"
                + "alice:" + hash("a") + ":" + home + ":rw:max-sessions=2:download-rate=2M:upload-rate=512K\n"
                + "bob:" + hash("b") + ":" + home + ":ro:upload-only=/incoming\n"
                + "old:" + hash("c") + ":" + home + ":rw:disabled\n");
        UsersFile f = new UsersFile(users);
        assertEquals(3, f.size());
        UserAccount alice = f.authenticate("alice", "a");
        assertNotNull(alice);
        assertTrue(alice.writable());
        assertEquals(new UserAccount.Limits(2 * 1024 * 1024, 512 * 1024, 2), alice.limits());
        assertNull(f.authenticate("alice", "wrong"));
        assertEquals("/incoming", f.authenticate("bob", "b").uploadOnly());
        assertNull(f.authenticate("old", "c"), "disabled");
        assertNull(f.authenticate("nobody", "x"));
    }

    @Test
    void errorsNameFileAndLine() throws Exception {
        Path users = dir.resolve("users");
        String[] bad = {"alice:plaintext:/x:rw", "alice:" + hash("a") + ":relative:rw", "alice:" + hash("a") + ":/x:rx",
                        "alice:" + hash("a") + ":/x:rw:colour=blue", "alice:" + hash("a") + ":/x:rw:max-sessions=0",
                        "alice:" + hash("a") + ":/x", "alice:" + hash("a") + ":/x:rw:download-rate=fast"};
        for (String line : bad) {
            Files.writeString(users, "# first\n" + line + "\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new UsersFile(users), line);
            assertTrue(e.getMessage().startsWith(users + ":2: "), e.getMessage());
        }
    }

    @Test
    void reloadSwapsUsersAndKeepsTheOldSetOnError() throws Exception {
        Path users = dir.resolve("users");
        Files.writeString(users, "a:" + hash("1") + ":" + dir + ":rw\n");
        UsersFile f = new UsersFile(users);
        Files.writeString(users, "b:" + hash("2") + ":" + dir + ":rw\n");
        f.reload();
        assertNull(f.authenticate("a", "1"));
        assertNotNull(f.authenticate("b", "2"));
        Files.writeString(users, "broken\n");
        assertThrows(IllegalArgumentException.class, f::reload);
        assertNotNull(f.authenticate("b", "2"), "a bad file changes nothing");
    }

    /** Against a real server: the hash check runs off the loop, homes and per-user session caps apply. */
    @Test
    void serverUsesTheFile() throws Exception {
        Path aliceHome = Files.createDirectories(dir.resolve("homes/alice"));
        Files.writeString(aliceHome.resolve("mine.txt"), "alice's");
        Path users = dir.resolve("users");
        Files.writeString(users, "alice:" + hash("pw") + ":" + aliceHome + ":rw:max-sessions=1\n");
        UsersFile file = new UsersFile(users);
        try (TestServer server = TestServer.start(dir.resolve("root"), b -> b.authenticator(file))) {
            FTPClient c = server.client("alice", "pw");
            assertEquals("mine.txt", c.listNames()[0], "alice's home is her root");
            try (RawClient second = new RawClient(server.port())) {
                second.reply();
                second.command("USER alice");
                assertTrue(second.command("PASS pw").startsWith("421"), "one session at a time for alice");
            }
            c.logout();
            c.disconnect();
            try (RawClient bad = new RawClient(server.port())) {
                bad.reply();
                bad.command("USER alice");
                assertTrue(bad.command("PASS nope").startsWith("530"));
            }
        }
    }

    /** A read-only user with an upload-only directory: store new files there, nothing else. */
    @Test
    void dropBox() throws Exception {
        Path root = Files.createDirectories(dir.resolve("pub"));
        Files.createDirectories(root.resolve("incoming"));
        Files.writeString(root.resolve("incoming/already"), "someone else's");
        Files.writeString(root.resolve("readme"), "hello");
        try (TestServer server = TestServer.start(root, b -> b.anonymousUploadOnly("/incoming"))) {
            FTPClient c = server.client("anonymous", "guest@");
            assertTrue(c.changeWorkingDirectory("incoming"), "entering the drop box is allowed");
            assertTrue(c.storeFile("new.txt", new ByteArrayInputStream("x".getBytes(StandardCharsets.UTF_8))),
                    c.getReplyString());
            assertEquals("x", Files.readString(root.resolve("incoming/new.txt")));
            assertFalse(c.storeFile("already", new ByteArrayInputStream("y".getBytes(StandardCharsets.UTF_8))),
                    "no overwrite");
            assertEquals("someone else's", Files.readString(root.resolve("incoming/already")));
            assertNull(c.listNames(), "no listing of the drop box");
            assertFalse(c.retrieveFile("already", java.io.OutputStream.nullOutputStream()), "no download from it");
            assertFalse(c.deleteFile("new.txt"));
            assertFalse(c.makeDirectory("sub"));
            assertTrue(c.changeWorkingDirectory("/"));
            assertFalse(c.storeFile("outside.txt", new ByteArrayInputStream("z".getBytes(StandardCharsets.UTF_8))),
                    "read-only outside the drop box");
            assertTrue(c.retrieveFile("readme", java.io.OutputStream.nullOutputStream()), "reading outside is fine");
            c.disconnect();
        }
    }

    @Test
    void networkAndCertificateOptionsParse() throws Exception {
        Path f = dir.resolve("users-opts");
        String fp = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";
        Files.writeString(f, "a:" + hash("x") + ":" + dir + ":rw:allow=10.0.0.0/8,::1/128:deny=10.1.0.0/16\n"
                + "b:*:" + dir + ":ro:cert-sha256=" + fp + ":max-sessions=2\n"
                + "c:" + hash("x") + ":" + dir + ":rw:cert-subject=CN=c,O=x:cert-password\n");
        UsersFile u = new UsersFile(f);
        assertEquals(3, u.size());
        assertNull(u.authenticate("b", "*"), "a certificate-only user has no password");
        assertNull(u.authenticate("c", "x"), "a certificate-bound user needs the certificate");
        assertNotNull(u.authenticate("a", "x"), "no client address given: the lists do not apply");
        LoginRequest fromTen = new LoginRequest("a", "x", null,
                new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(new byte[] {10, 2, 3, 4}), 1), null, false);
        assertTrue(u.login(fromTen).accepted());
        LoginRequest fromDenied = new LoginRequest("a", "x", null,
                new java.net.InetSocketAddress(java.net.InetAddress.getByAddress(new byte[] {10, 1, 3, 4}), 1), null, false);
        assertEquals(LoginResult.Verdict.REJECT, u.login(fromDenied).verdict(), "policy refusal: not counted");
        LoginRequest wrong = new LoginRequest("a", "y", null, fromDenied.client(), null, false);
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, u.login(wrong).verdict(), "the password is checked first");
        assertEquals(LoginResult.Verdict.PASSWORD_REQUIRED, u.login(LoginRequest.of("a", null)).verdict());
    }

    @Test
    void badNetworkAndCertificateOptionsNameTheLine() throws Exception {
        Path f = dir.resolve("users-bad");
        for (String line : new String[] {
                "a:" + hash("x") + ":" + dir + ":rw:allow=10.0.0.0/40",
                "a:" + hash("x") + ":" + dir + ":rw:deny=example.com",
                "a:" + hash("x") + ":" + dir + ":rw:cert-sha256=ABCD",
                "a:" + hash("x") + ":" + dir + ":rw:cert-subject=not a dn",
                "a:*:" + dir + ":rw",
                "a:" + hash("x") + ":" + dir + ":rw:cert-password"}) {
            Files.writeString(f, "# first\n" + line + "\n");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new UsersFile(f), line);
            assertTrue(e.getMessage().contains(":2: "), e.getMessage());
        }
    }
}

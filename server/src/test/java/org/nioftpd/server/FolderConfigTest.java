package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14 item 6: mount, rights and quota in the config file and the users
 * file; --check-config names the file and line of a bad one; SIGHUP gives
 * new sessions the new lines.
 */
@Timeout(60)
class FolderConfigTest extends DaemonTestBase {

    private Path conf(String... lines) throws Exception {
        return Files.write(dir.resolve("nioftpd.conf"), List.of(lines));
    }

    @Test
    void badLinesAreErrorsWithFileAndLine() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path c = conf("mount = /shared " + shared, "rights = /shared read,bogus");
        Outcome r = runWithoutServer(withDefaults("--config", c.toString(), "--check-config"));
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains(c + ":2: rights: unknown right 'bogus'"), r.err());

        c = conf("# a comment", "mount = /m " + dir.resolve("no-such-dir"));
        r = runWithoutServer(withDefaults("--config", c.toString(), "--check-config"));
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains(c + ":2: mount: not a directory"), r.err());

        c = conf("mount = /shared " + shared, "quota = /elsewhere 1G");
        r = runWithoutServer(withDefaults("--config", c.toString(), "--check-config"));
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains(c + ":2: quota: quota /elsewhere: a quota belongs to / or to a mount"), r.err());

        c = conf("quota = 10Q");
        r = runWithoutServer(withDefaults("--config", c.toString(), "--check-config"));
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains(c + ":1: quota: not a size: '10Q'"), r.err());

        c = conf("mount = /shared " + shared, "rights = / read-only", "rights = /shared rw", "quota = /shared 1G files=10");
        r = runWithoutServer(withDefaults("--config", c.toString(), "--check-config"));
        assertEquals(0, r.status(), r.err());
    }

    @Test
    void usersFileLinesOverrideTheConfigFileForThatUser() throws Exception {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path own = Files.createDirectories(dir.resolve("own"));
        Path home = Files.createDirectories(dir.resolve("home"));
        Path users = Files.write(dir.resolve("users"), List.of(
                LoginsTest.entry("alice", "pw", home, "rw"),
                LoginsTest.entry("bob", "pw", home, "rw", "mount=/own " + own, "rights=/shared rw", "quota=/own 1K")));
        Path c = conf("mount = /shared " + shared, "rights = /shared read-only");
        Daemon d = start("--config", c.toString(), "--users", users.toString());
        FTPClient alice = login(d, "alice", "pw");
        assertEquals(List.of("shared"), Arrays.asList(alice.listNames("/")));
        assertFalse(alice.storeFile("/shared/a.txt", new ByteArrayInputStream(new byte[] {1})));
        assertEquals(550, alice.getReplyCode());
        FTPClient bob = login(d, "bob", "pw");
        assertEquals(List.of("own", "shared"), Arrays.stream(bob.listNames("/")).sorted().toList());
        assertTrue(bob.storeFile("/shared/b.txt", new ByteArrayInputStream(new byte[] {1})), bob.getReplyString());
        assertFalse(bob.storeFile("/own/big", new ByteArrayInputStream(new byte[5000])));
        assertEquals(552, bob.getReplyCode(), bob.getReplyString());
        assertTrue(Files.exists(shared.resolve("b.txt")));
    }

    @Test
    void aReloadGivesNewSessionsTheNewLines() throws Exception {
        Path c = conf("rights = / read-only");
        Daemon d = start("--config", c.toString(), "--user", "u:pw");
        FTPClient before = login(d, "u", "pw");
        assertFalse(before.storeFile("x", new ByteArrayInputStream(new byte[] {1})));
        conf("rights = / rw");
        assertTrue(d.reload());
        FTPClient after = login(d, "u", "pw");
        assertTrue(after.storeFile("x", new ByteArrayInputStream(new byte[] {1})), after.getReplyString());
        assertFalse(before.storeFile("y", new ByteArrayInputStream(new byte[] {1})), "a session keeps its rights");
        // a bad file changes nothing
        conf("rights = / nonsense");
        assertFalse(d.reload(), "a bad line is a failed reload");
        FTPClient third = login(d, "u", "pw");
        assertTrue(third.storeFile("z", new ByteArrayInputStream(new byte[] {1})), third.getReplyString());
    }
}

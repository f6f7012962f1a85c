package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.auth.PasswordHash;
import org.nioftpd.auth.UserAccount;

/** Who may log in when --user, --users and anonymous are combined; no server. */
@Timeout(60)
class LoginsTest {

    @TempDir
    Path dir;

    /** A users-file line; few iterations, so that the test is quick (the format keeps the count). */
    static String entry(String name, String password, Path home, String rights, String... options) {
        StringBuilder sb = new StringBuilder(name).append(':')
                .append(PasswordHash.create(password.toCharArray(), 100_000)).append(':')
                .append(home).append(':').append(rights);
        for (String o : options) {
            sb.append(':').append(o);
        }
        return sb.toString();
    }

    private Path usersFile(String... lines) throws Exception {
        return Files.write(dir.resolve("users"), List.of(lines));
    }

    @Test
    void commandLineUsersAndTheUsersFileTogether() throws Exception {
        Path bobHome = Files.createDirectories(dir.resolve("bob"));
        Path file = usersFile("# a comment", "", entry("bob", "bobpw", bobHome, "ro", "download-rate=1M"),
                entry("old", "oldpw", bobHome, "rw", "disabled"));
        Logins logins = new Logins(List.of(new Values.User("alice", "alicepw", true)), dir, null, null, file);

        UserAccount alice = logins.authenticate("alice", "alicepw");
        assertNotNull(alice);
        assertEquals(dir, alice.home());
        assertTrue(alice.writable());
        UserAccount bob = logins.authenticate("bob", "bobpw");
        assertNotNull(bob);
        assertEquals(bobHome, bob.home());
        assertFalse(bob.writable());
        assertEquals(1024 * 1024, bob.limits().downloadBytesPerSecond());

        assertNull(logins.authenticate("alice", "bobpw"));
        assertNull(logins.authenticate("bob", "alicepw"));
        assertNull(logins.authenticate("old", "oldpw"), "disabled");
        assertNull(logins.authenticate("nobody", "x"));
        assertNull(logins.authenticate("anonymous", "guest@"), "anonymous is off");
        assertEquals(3, logins.size());
        assertFalse(logins.isCheap(), "hashes are checked on the worker pool");
    }

    @Test
    void withoutAUsersFileItIsCheap() throws Exception {
        Logins logins = new Logins(List.of(new Values.User("alice", "pw", false)), dir, null, null, null);
        assertTrue(logins.isCheap());
        assertNotNull(logins.authenticate("alice", "pw"));
        assertNull(logins.authenticate("alice", "PW"));
        assertNull(logins.authenticate("ALICE", "pw"), "names are case-sensitive");
        assertEquals(1, logins.size());
    }

    @Test
    void aCommandLineUserShadowsTheFileEntryOfTheSameName() throws Exception {
        Path file = usersFile(entry("alice", "filepw", dir, "ro"));
        Logins logins = new Logins(List.of(new Values.User("alice", "clipw", true)), dir, null, null, file);
        assertNotNull(logins.authenticate("alice", "clipw"));
        assertNull(logins.authenticate("alice", "filepw"));
        assertEquals(1, logins.size());
    }

    @Test
    void anonymousUnlessAUserHasTheName() throws Exception {
        Path pub = Files.createDirectories(dir.resolve("pub"));
        Logins plain = new Logins(List.of(), dir, pub, "/incoming", usersFile(entry("bob", "pw", dir, "rw")));
        for (String name : new String[] {"anonymous", "ftp", "FTP", "Anonymous"}) {
            UserAccount a = plain.authenticate(name, "guest@example.com");
            assertNotNull(a, name);
            assertTrue(a.anonymous());
            assertFalse(a.writable());
            assertEquals(pub, a.home());
            assertEquals("/incoming", a.uploadOnly());
        }
        // a users-file account called "ftp": that is a user, with its own password
        Logins named = new Logins(List.of(), dir, pub, null, usersFile(entry("ftp", "ftppw", dir, "rw")));
        assertNull(named.authenticate("ftp", "guest@example.com"));
        assertNull(named.authenticate("FTP", "guest@example.com"));
        assertFalse(named.authenticate("ftp", "ftppw").anonymous());
        assertTrue(named.authenticate("anonymous", "guest@example.com").anonymous());
    }

    @Test
    void reloadSwapsTheFileUsersAndABadFileKeepsTheOldOnes() throws Exception {
        Path file = usersFile(entry("bob", "pw", dir, "rw"));
        Logins logins = new Logins(List.of(new Values.User("alice", "pw", true)), dir, null, null, file);
        assertNull(logins.authenticate("carol", "pw"));

        Files.write(file, List.of(entry("bob", "newpw", dir, "rw"), entry("carol", "pw", dir, "ro")));
        logins.reload();
        assertNotNull(logins.authenticate("carol", "pw"));
        assertNotNull(logins.authenticate("bob", "newpw"));
        assertNull(logins.authenticate("bob", "pw"));
        assertNotNull(logins.authenticate("alice", "pw"), "--user logins are not the file's to change");
        assertEquals(3, logins.size());

        Files.write(file, List.of(entry("dave", "pw", dir, "rw"), "carol:not-a-hash:/x:rw"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, logins::reload);
        assertEquals(file + ":2: password of 'carol' is not a $pbkdf2-sha256$ hash"
                + " (make one with: java -jar nioftpd.jar hash-password)", e.getMessage());
        assertNotNull(logins.authenticate("carol", "pw"), "the old users stay");
        assertNull(logins.authenticate("dave", "pw"), "nothing of the bad file is taken");
    }
}

package org.nioftpd.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.Slapd;
import org.nioftpd.testing.TestServer;

/**
 * Logins against a real OpenLDAP slapd (issue 15 item 2), started by the
 * test on a free loopback port: both ways to find the user, the allow filter,
 * home and rights from attributes or the template, escaping of hostile
 * names, StartTLS, and a directory that never answers.
 */
@Timeout(180)
class LdapAuthenticatorTest {

    static final String PEOPLE = "ou=people," + Slapd.SUFFIX;
    static final String SERVICE_DN = "cn=ftp-search," + Slapd.SUFFIX;

    @TempDir
    static Path dir;
    static Path homes;
    static Slapd slapd;

    static String ldif(Path homes) {
        return String.join("\n",
                "dn: " + PEOPLE, "objectClass: organizationalUnit", "ou: people", "",
                "dn: " + SERVICE_DN, "objectClass: organizationalRole", "objectClass: simpleSecurityObject",
                "cn: ftp-search", "userPassword: searchpw", "",
                // alice: home and rights from her entry
                "dn: uid=alice," + PEOPLE, "objectClass: inetOrgPerson", "objectClass: posixAccount",
                "uid: alice", "cn: Alice", "sn: A", "uidNumber: 1001", "gidNumber: 1001",
                "homeDirectory: " + homes.resolve("alice"), "description: rw", "employeeType: ftp",
                "userPassword: alicepw", "",
                // bob: no home attribute (the template), no rights (the default, read-only)
                "dn: uid=bob," + PEOPLE, "objectClass: inetOrgPerson", "uid: bob", "cn: Bob", "sn: B",
                "employeeType: ftp", "userPassword: bobpw", "",
                // carol: outside the allow filter
                "dn: uid=carol," + PEOPLE, "objectClass: inetOrgPerson", "uid: carol", "cn: Carol", "sn: C",
                "userPassword: carolpw", "",
                // names that are filter and DN syntax
                "dn: uid=st*r," + PEOPLE, "objectClass: inetOrgPerson", "uid: st*r", "cn: Star", "sn: S",
                "employeeType: ftp", "userPassword: starpw", "",
                "dn: uid=a\\,b," + PEOPLE, "objectClass: inetOrgPerson", "uid: a,b", "cn: AB", "sn: AB",
                "employeeType: ftp", "userPassword: abpw", "",
                "");
    }

    @BeforeAll
    static void startSlapd() throws IOException {
        homes = Files.createDirectories(dir.resolve("homes"));
        for (String u : List.of("alice", "bob", "st*r", "a,b")) {
            Files.createDirectories(homes.resolve(u));
        }
        Files.writeString(homes.resolve("alice/alice.txt"), "hi");
        slapd = Slapd.start(Files.createDirectories(dir.resolve("slapd")), ldif(homes), "");
    }

    @AfterAll
    static void stopSlapd() {
        if (slapd != null) {
            slapd.close();
        }
    }

    static LdapAuthenticator.Builder searchMode() {
        return LdapAuthenticator.builder(slapd.url())
                .searchBase(PEOPLE)
                .serviceAccount(SERVICE_DN, "searchpw")
                .allowFilter("(employeeType=ftp)")
                .homeAttribute("homeDirectory")
                .homeTemplate(homes + "/{user}")
                .rightsAttribute("description")
                .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    static LdapAuthenticator.Builder templateMode() {
        return LdapAuthenticator.builder(slapd.url())
                .bindDnTemplate("uid={user}," + PEOPLE)
                .allowFilter("(employeeType=ftp)")
                .homeAttribute("homeDirectory")
                .homeTemplate(homes + "/{user}")
                .rightsAttribute("description")
                .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    static LoginResult login(LdapAuthenticator a, String user, String password) {
        return a.login(LoginRequest.of(user, password));
    }

    @Test
    void searchThenBindOverFtp() throws IOException {
        LdapAuthenticator ldap = searchMode().build();
        try (TestServer server = TestServer.start(dir.resolve("ftp"), b -> b.authenticator(ldap));
             RawClient c = server.raw()) {
            c.reply();
            c.login("alice", "alicepw");
            c.expect("SIZE alice.txt", 213); // the home her entry names
            c.expect("MKD made", 257); // description: rw
            c.expect("REIN", 220);
            c.expect("USER alice", 331);
            assertEquals("530 Login incorrect.", c.command("PASS wrong"));
            c.expect("USER carol", 331);
            assertEquals("530 Login incorrect.", c.command("PASS carolpw"), "carol is outside the filter");
        }
    }

    @Test
    void dnTemplateMode() throws IOException {
        LdapAuthenticator ldap = templateMode().build();
        LoginResult alice = login(ldap, "alice", "alicepw");
        assertTrue(alice.accepted(), String.valueOf(alice));
        assertEquals(homes.resolve("alice"), alice.account().home());
        assertTrue(alice.account().writable());
        LoginResult bob = login(ldap, "bob", "bobpw");
        assertTrue(bob.accepted(), String.valueOf(bob));
        assertEquals(homes.resolve("bob"), bob.account().home(), "no homeDirectory: the template");
        assertFalse(bob.account().writable(), "no description: the default, read-only");
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(ldap, "bob", "alicepw").verdict());
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(ldap, "carol", "carolpw").verdict(),
                "bound, but outside the filter");
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(ldap, "nobody", "x").verdict());
        LoginResult ab = login(ldap, "a,b", "abpw");
        assertTrue(ab.accepted(), "the comma is escaped in the DN (RFC 4514): " + ab);
        try (TestServer server = TestServer.start(dir.resolve("ftp2"), b -> b.authenticator(ldap));
             RawClient c = server.raw()) {
            c.reply();
            c.login("bob", "bobpw");
            assertTrue(c.command("MKD nope").startsWith("550"), "bob is read-only");
        }
    }

    @Test
    void hostileNamesAreEscaped() {
        LdapAuthenticator search = searchMode().build();
        // Unescaped, (uid=st*) would match st*r and bind as st*r with st*r's password.
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(search, "st*", "starpw").verdict());
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(search, "*", "starpw").verdict());
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(search, "x)(uid=st*r", "starpw").verdict());
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(search, "*)(|(uid=*", "starpw").verdict());
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(search, "\\", "starpw").verdict(),
                "a lone backslash is a name no one has, not a broken filter");
        assertTrue(login(search, "st*r", "starpw").accepted(), "the real name, escaped, still matches itself");
        LdapAuthenticator template = templateMode().build();
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(template, "alice,ou=people", "alicepw").verdict());
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(template, "st*", "starpw").verdict());
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(template, "a\\,b", "abpw").verdict());
        // An empty password would be an unauthenticated bind, which LDAP accepts.
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(template, "alice", "").verdict());
        assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(search, "alice", "").verdict());
    }

    @Test
    void escapingFollowsTheRfcs() {
        assertEquals("st\\2ar \\28x\\29 \\5c \\00", LdapAuthenticator.escapeFilterValue("st*r (x) \\ \0"));
        assertEquals("a\\,b\\+c\\\"d\\\\e\\<f\\>g\\;h\\=i", LdapAuthenticator.escapeDnValue("a,b+c\"d\\e<f>g;h=i"));
        assertEquals("\\#x\\ ", LdapAuthenticator.escapeDnValue("#x "));
        assertEquals("\\ x", LdapAuthenticator.escapeDnValue(" x"));
    }

    @Test
    void settingsThatCannotWorkAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LdapAuthenticator.builder("http://x/")
                .bindDnTemplate("uid={user}").defaultHome(dir).build());
        assertThrows(IllegalArgumentException.class, () -> LdapAuthenticator.builder(slapd.url())
                .defaultHome(dir).build(), "neither template nor search base");
        assertThrows(IllegalArgumentException.class, () -> LdapAuthenticator.builder(slapd.url())
                .bindDnTemplate("uid=alice").defaultHome(dir).build(), "no {user}");
        assertThrows(IllegalArgumentException.class, () -> LdapAuthenticator.builder("ldaps://h/")
                .startTls(true).bindDnTemplate("uid={user}").defaultHome(dir).build());
        assertThrows(IllegalArgumentException.class, () -> LdapAuthenticator.builder(slapd.url())
                .bindDnTemplate("uid={user}").build(), "no home at all");
    }

    /** A directory that accepts the connection and never says a word. */
    @Test
    void silentDirectoryTimesOutWith530WhileOtherSessionsAreServed() throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-ldap");
            acceptor.setDaemon(true);
            acceptor.start();
            LdapAuthenticator ldap = LdapAuthenticator.builder("ldap://127.0.0.1:" + silent.getLocalPort() + "/")
                    .bindDnTemplate("uid={user}," + PEOPLE).defaultHome(dir)
                    .timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)).build();
            try (TestServer server = TestServer.start(dir.resolve("ftp3"), b -> b.authenticator(ldap).loops(1));
                 RawClient waiting = server.raw();
                 RawClient other = server.raw()) {
                waiting.reply();
                other.reply();
                waiting.expect("USER alice", 331);
                long start = System.nanoTime();
                waiting.send("PASS alicepw");
                // the other session, on the same (only) loop, is answered while the login waits
                long noop = System.nanoTime();
                other.expect("NOOP", 200);
                long noopMillis = (System.nanoTime() - noop) / 1_000_000;
                assertTrue(noopMillis < 1000, "NOOP took " + noopMillis + " ms during the LDAP wait");
                assertEquals("530 Login incorrect.", waiting.reply());
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(millis >= 1500 && millis < 15_000, "answered after the read timeout: " + millis + " ms");
                assertFalse(held.isEmpty(), "the directory was reached");
                waiting.expect("NOOP", 200); // not counted, not closed
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /**
     * StartTLS against a slapd that refuses a simple bind without encryption
     * (security simple_bind=128): a login that works proves the bind went
     * over TLS, and the directory's certificate was checked against the CA given.
     */
    @Test
    void startTlsBindsOverTheEncryptedConnection() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")),
                "openssl not installed (makes the directory's test certificate)");
        Path tlsDir = Files.createDirectories(dir.resolve("slapd-tls"));
        Slapd.run(List.of("/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-keyout", tlsDir.resolve("key.pem").toString(), "-out", tlsDir.resolve("cert.pem").toString(),
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"), tlsDir);
        try (Slapd tls = Slapd.start(tlsDir, ldif(homes), String.join("\n",
                "TLSCertificateFile " + tlsDir.resolve("cert.pem"),
                "TLSCertificateKeyFile " + tlsDir.resolve("key.pem"),
                "security simple_bind=128"))) {
            LdapAuthenticator.Builder b = LdapAuthenticator.builder(tls.url())
                    .bindDnTemplate("uid={user}," + PEOPLE).homeAttribute("homeDirectory")
                    .timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
            LdapAuthenticator plain = b.build();
            assertEquals(LoginResult.Verdict.REJECT, login(plain, "alice", "alicepw").verdict(),
                    "without StartTLS the directory refuses the bind (confidentiality required): " + tls.log());
            LdapAuthenticator startTls = b.startTls(true).caFile(tlsDir.resolve("cert.pem")).build();
            LoginResult r = login(startTls, "alice", "alicepw");
            assertTrue(r.accepted(), r + "\n" + tls.log());
            assertEquals(homes.resolve("alice"), r.account().home());
            assertEquals(LoginResult.Verdict.REJECT_COUNTED, login(startTls, "alice", "wrong").verdict());
            LdapAuthenticator wrongCa = b.startTls(true)
                    .caFile(Path.of(org.nioftpd.tls.TlsTesting.fixture("rsa-cert.pem").toString())).build();
            assertEquals(LoginResult.Verdict.REJECT, login(wrongCa, "alice", "alicepw").verdict(),
                    "a directory certificate from another CA is not trusted");
        }
    }
}

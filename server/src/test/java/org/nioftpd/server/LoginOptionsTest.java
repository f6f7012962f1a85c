package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.Slapd;
import org.nioftpd.tls.ClientCerts;

/**
 * The login options of issue 15 and 16 on real daemons: --ldap-* against a
 * real slapd, combined with --users; --tls-client-auth and --tls-client-ca
 * with a users-file account bound to a certificate; one-line errors.
 */
@Timeout(180)
class LoginOptionsTest extends DaemonTestBase {

    private static final String PEOPLE = "ou=people," + Slapd.SUFFIX;

    private Slapd slapd(Path home) throws Exception {
        String ldif = String.join("\n",
                "dn: " + PEOPLE, "objectClass: organizationalUnit", "ou: people", "",
                "dn: cn=search," + Slapd.SUFFIX, "objectClass: organizationalRole",
                "objectClass: simpleSecurityObject", "cn: search", "userPassword: searchpw", "",
                "dn: uid=alice," + PEOPLE, "objectClass: inetOrgPerson", "objectClass: posixAccount",
                "uid: alice", "cn: Alice", "sn: A", "uidNumber: 1001", "gidNumber: 1001",
                "homeDirectory: " + home, "employeeType: ftp", "userPassword: alicepw", "",
                "dn: uid=bob," + PEOPLE, "objectClass: inetOrgPerson", "uid: bob", "cn: Bob", "sn: B",
                "employeeType: ftp", "userPassword: ldap-bob", "",
                "dn: uid=carol," + PEOPLE, "objectClass: inetOrgPerson", "uid: carol", "cn: Carol", "sn: C",
                "userPassword: carolpw", "", "");
        return Slapd.start(Files.createDirectories(dir.resolve("slapd")), ldif, "");
    }

    @Test
    void ldapSearchThenBindBesideAUsersFile() throws Exception {
        Path aliceHome = Files.createDirectories(dir.resolve("alice-home"));
        Files.writeString(aliceHome.resolve("a.txt"), "alice's");
        Path bobHome = Files.createDirectories(dir.resolve("bob-home"));
        Path users = Files.write(dir.resolve("users"), List.of(LoginsTest.entry("bob", "file-bob", bobHome, "rw")));
        Path secret = Files.writeString(dir.resolve("bind.pw"), "searchpw\n");
        try (Slapd slapd = slapd(aliceHome)) {
            Daemon d = start("--users", users.toString(), "--ldap-url", slapd.url(),
                    "--ldap-search-base", PEOPLE, "--ldap-bind-dn", "cn=search," + Slapd.SUFFIX,
                    "--ldap-bind-password-file", secret.toString(), "--ldap-filter", "(employeeType=ftp)",
                    "--ldap-home-attribute", "homeDirectory", "--ldap-default-rights", "rw", "--ldap-timeout", "5");
            FTPClient alice = login(d, "alice", "alicepw");
            assertEquals("alice's", new String(download(alice, "a.txt"), StandardCharsets.UTF_8));
            assertTrue(upload(alice, "up.txt", new byte[] {1}), "--ldap-default-rights rw");
            assertFalse(canLogin(d, "alice", "wrong"));
            assertFalse(canLogin(d, "carol", "carolpw"), "outside --ldap-filter");
            assertTrue(canLogin(d, "bob", "file-bob"), "the users file answers for its names");
            assertFalse(canLogin(d, "bob", "ldap-bob"), "... and the directory does not");
            assertFalse(canLogin(d, "anonymous", "a@b"), "LDAP turns the default anonymous off");
        }
    }

    @Test
    void ldapDnTemplateWithHomeTemplate() throws Exception {
        Path homes = Files.createDirectories(dir.resolve("homes"));
        Files.createDirectories(homes.resolve("bob"));
        try (Slapd slapd = slapd(homes.resolve("alice"))) {
            Daemon d = start("--ldap-url", slapd.url(), "--ldap-bind-dn-template", "uid={user}," + PEOPLE,
                    "--ldap-home-template", homes + "/{user}");
            FTPClient bob = login(d, "bob", "ldap-bob");
            assertEquals("/", bob.printWorkingDirectory());
            assertFalse(upload(bob, "x", new byte[1]), "read-only by default");
            assertTrue(Files.notExists(homes.resolve("bob/x")));
        }
    }

    @Test
    void ldapOptionErrorsAreOneLine() {
        Outcome r = runWithoutServer("--ldap-bind-dn-template", "uid={user},dc=x");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("needs --ldap-url"), r.err());
        r = runWithoutServer("--ldap-url", "http://x/", "--ldap-bind-dn-template", "uid={user}");
        assertTrue(r.err().contains("--ldap-url"), r.err());
        r = runWithoutServer("--ldap-url", "ldap://127.0.0.1:1/", "--ldap-bind-dn-template", "uid=alice");
        assertTrue(r.err().contains("{user}"), r.err());
        r = runWithoutServer("--ldap-url", "ldap://127.0.0.1:1/");
        assertTrue(r.err().contains("either a bind DN template or a search base"), r.err());
        r = runWithoutServer("--tls-client-auth", "maybe");
        assertTrue(r.err().contains("none, want or need"), r.err());
    }

    @Test
    void clientCertificateLogsInWith232() throws Exception {
        Path certDir = Files.createDirectories(dir.resolve("certs"));
        ClientCerts certs = ClientCerts.create(certDir);
        Path alice = certs.issue("alice", "CN=alice,O=nioftpd");
        Path home = Files.createDirectories(dir.resolve("alice"));
        Path users = Files.writeString(dir.resolve("users"),
                "alice:*:" + home + ":rw:cert-sha256=" + ClientCerts.fingerprint(ClientCerts.leaf(alice)) + "\n");
        Path cert = fixture("rsa-cert.pem");
        Path key = fixture("rsa-key.pem");
        Daemon d = start("--users", users.toString(), "--tls-cert", cert.toString(), "--tls-key", key.toString(),
                "--implicit-tls-listen", "127.0.0.1:0", "--tls-client-auth", "need",
                "--tls-client-ca", certs.caPem().toString());
        int port = d.server().implicitTlsPort();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            SSLSocket s = (SSLSocket) ClientCerts.clientContext(alice).getSocketFactory()
                    .createSocket(plain, "127.0.0.1", port, true);
            s.setSoTimeout(20_000);
            RawClient c = new RawClient(s);
            assertTrue(c.reply().startsWith("220"));
            assertTrue(c.command("USER alice").startsWith("232 "));
            c.expect("PWD", 257);
        }
        Outcome r = runWithoutServer("--tls-client-auth", "need");
        assertTrue(r.err().contains("certificate"), r.err());
    }

    @Test
    void aNetworkRefusalIs530OnTheWireAndItsReasonInTheLog() throws Exception {
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        Logging.configure(Values.LogLevel.INFO, new java.io.PrintStream(log, true, StandardCharsets.UTF_8));
        Path users = Files.write(dir.resolve("users"), List.of(
                LoginsTest.entry("far", "pw", dir, "rw", "allow=10.0.0.0/8,2001:db8::/32"),
                LoginsTest.entry("near", "pw", dir, "rw", "allow=127.0.0.0/8,::1")));
        Daemon d = start("--users", users.toString());
        FTPClient c = connect(d);
        assertFalse(c.login("far", "pw"));
        assertEquals(530, c.getReplyCode());
        assertTrue(c.getReplyString().startsWith("530 Login incorrect."), "no reason on the wire: " + c.getReplyString());
        assertTrue(canLogin(d, "near", "pw"));
        String text = log.toString(StandardCharsets.UTF_8);
        assertTrue(text.lines().anyMatch(l -> l.contains("login refused for far from")
                && l.contains("127.0.0.1 is not in the user's allow list (not counted)")), text);
    }

    private Path fixture(String name) throws Exception {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/tls/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }
}

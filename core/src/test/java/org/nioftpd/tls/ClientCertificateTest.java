package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.nioftpd.FtpServer;
import org.nioftpd.auth.LoginRequest;
import org.nioftpd.auth.LoginResult;
import org.nioftpd.auth.PasswordHash;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.auth.UsersFile;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * FTPS client certificates (RFC 4217 section 7, issue 16): verified against
 * the client CA, passed to the authenticator, and a users-file account bound
 * to a certificate (by subject or pinned SHA-256) logs in with 232 at USER.
 */
@Timeout(120)
class ClientCertificateTest {

    @TempDir
    static Path certDir;
    @TempDir
    Path root;

    static ClientCerts certs;
    static Path alice;
    static Path bob;
    static Path rogue;

    @BeforeAll
    static void makeCertificates() throws IOException {
        certs = ClientCerts.create(certDir);
        alice = certs.issue("alice", "CN=alice, O=nioftpd");
        bob = certs.issue("bob", "CN=bob, O=nioftpd");
        rogue = certs.selfSigned("rogue", "CN=alice, O=nioftpd"); // alice's subject, but not from the CA
    }

    private Path usersFile() throws IOException {
        String hash = PasswordHash.create("secret".toCharArray(), 1000);
        for (String d : List.of("alice", "pinned", "both", "pw")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.writeString(root.resolve("alice/who.txt"), "alice's");
        Path f = root.resolve("users");
        Files.writeString(f, String.join("\n",
                "alice:*:" + root.resolve("alice") + ":rw:cert-subject=CN=alice,O=nioftpd",
                "pinned:*:" + root.resolve("pinned") + ":ro:cert-sha256=" + ClientCerts.fingerprint(ClientCerts.leaf(bob)),
                "both:" + hash + ":" + root.resolve("both") + ":rw:cert-sha256="
                        + ClientCerts.fingerprint(ClientCerts.leaf(alice)).replace(":", "").toLowerCase() + ":cert-password",
                "pw:" + hash + ":" + root.resolve("pw") + ":rw",
                ""));
        return f;
    }

    private TestServer server(FtpServer.ClientAuth mode) throws IOException {
        UsersFile users = new UsersFile(usersFile());
        return TlsTesting.server(root, b -> b.authenticator(users).tlsClientAuth(mode).tlsClientCa(certs.caPem()));
    }

    /** Implicit FTPS with {@code clientP12}'s key (or none); greeting read. */
    private static RawClient connect(TestServer server, Path clientP12) throws IOException {
        SSLContext ctx = ClientCerts.clientContext(clientP12);
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress("127.0.0.1", server.server().implicitTlsPort()), 10_000);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "127.0.0.1", plain.getPort(), true);
        s.setUseClientMode(true);
        s.setSoTimeout(20_000);
        s.startHandshake();
        RawClient c = new RawClient(s);
        String greeting = c.reply(); // under TLS 1.3 a refused certificate shows here, as an alert
        if (greeting == null || !greeting.startsWith("220")) {
            c.close();
            throw new IOException("no greeting: " + greeting);
        }
        return c;
    }

    @Test
    void matchingSubjectLogsInWith232WithoutPassword() throws IOException {
        try (TestServer server = server(FtpServer.ClientAuth.WANT); RawClient c = connect(server, alice)) {
            assertTrue(c.command("USER alice").startsWith("232 "), "232 at USER");
            c.expect("PWD", 257);
            c.expect("SIZE who.txt", 213); // the home of the account the certificate named
        }
    }

    @Test
    void pinnedFingerprintLogsIn() throws IOException {
        try (TestServer server = server(FtpServer.ClientAuth.WANT); RawClient c = connect(server, bob)) {
            assertTrue(c.command("USER pinned").startsWith("232 "));
        }
    }

    @Test
    void anotherUsersCertificateIsRefusedAtPass() throws IOException {
        try (TestServer server = server(FtpServer.ClientAuth.WANT); RawClient c = connect(server, bob)) {
            // 331, not 530, at USER: the reply does not say that alice exists and is bound
            assertTrue(c.command("USER alice").startsWith("331 "));
            assertEquals("530 Login incorrect.", c.command("PASS secret"));
            c.expect("PWD", 530);
        }
    }

    @Test
    void boundUserWithoutCertificateCannotLogIn() throws IOException {
        try (TestServer server = server(FtpServer.ClientAuth.WANT); RawClient c = connect(server, null)) {
            assertTrue(c.command("USER both").startsWith("331 "));
            assertEquals("530 Login incorrect.", c.command("PASS secret"), "right password, no certificate");
            assertTrue(c.command("USER pw").startsWith("331 "));
            assertTrue(c.command("PASS secret").startsWith("230 "), "want: a client without a certificate logs in by password");
        }
    }

    @Test
    void certPasswordAsksForBoth() throws IOException {
        try (TestServer server = server(FtpServer.ClientAuth.WANT)) {
            try (RawClient c = connect(server, alice)) {
                assertTrue(c.command("USER both").startsWith("331 "));
                assertEquals("530 Login incorrect.", c.command("PASS wrong"));
                assertTrue(c.command("USER both").startsWith("331 "));
                assertTrue(c.command("PASS secret").startsWith("230 "));
            }
            try (RawClient c = connect(server, bob)) {
                assertTrue(c.command("USER both").startsWith("331 "));
                assertEquals("530 Login incorrect.", c.command("PASS secret"), "right password, wrong certificate");
            }
        }
    }

    @Test
    void certificateNotFromTheCaFailsTheHandshake() throws IOException {
        try (TestServer server = server(FtpServer.ClientAuth.WANT)) {
            assertThrows(IOException.class, () -> connect(server, rogue).close());
            try (RawClient c = connect(server, alice)) { // the server is unharmed
                assertTrue(c.command("USER alice").startsWith("232 "));
            }
        }
    }

    @Test
    void needRefusesAClientWithoutCertificate() throws IOException {
        try (TestServer server = server(FtpServer.ClientAuth.NEED)) {
            assertThrows(IOException.class, () -> connect(server, null).close());
            try (RawClient c = connect(server, alice)) {
                assertTrue(c.command("USER alice").startsWith("232 "));
            }
        }
    }

    @Test
    void explicitTlsAuthTlsThenUser() throws IOException {
        try (TestServer server = server(FtpServer.ClientAuth.WANT);
             FtpsRaw c = FtpsRaw.connect(server.port())) {
            assertTrue(c.reply().startsWith("220"));
            assertTrue(c.command("AUTH TLS").startsWith("234"));
            c.startTls(ClientCerts.clientContext(alice));
            assertTrue(c.command("USER alice").startsWith("232 "));
            assertTrue(c.command("PWD").startsWith("257"));
        }
    }

    @Test
    void authenticatorSeesChainAddressesAndTls() throws IOException {
        List<LoginRequest> seen = new CopyOnWriteArrayList<>();
        Path home = Files.createDirectories(root.resolve("ctx"));
        org.nioftpd.auth.Authenticator spy = new org.nioftpd.auth.Authenticator() {
            @Override
            public UserAccount authenticate(String user, String password) {
                throw new AssertionError("login() is what the server calls");
            }

            @Override
            public LoginResult login(LoginRequest r) {
                seen.add(r);
                return r.password() == null ? LoginResult.passwordRequired()
                        : LoginResult.accept(new UserAccount(r.user(), home, false));
            }
        };
        try (TestServer server = TlsTesting.server(root, b -> b.authenticator(spy)
                .tlsClientAuth(FtpServer.ClientAuth.WANT).tlsClientCa(certs.caPem()))) {
            try (RawClient c = connect(server, alice)) {
                assertTrue(c.command("USER carol").startsWith("331 "));
                assertTrue(c.command("PASS x").startsWith("230 "));
            }
            try (RawClient c = server.raw()) {
                c.greetAndLogin("dave", "y");
            }
            assertEquals(3, seen.size(), seen.toString()); // USER with a certificate, PASS, and the plain PASS
            LoginRequest atUser = seen.get(0);
            assertEquals(null, atUser.password());
            LoginRequest tls = seen.get(1);
            assertEquals("x", tls.password());
            assertEquals(2, tls.certificates().size(), "leaf and CA");
            assertEquals(ClientCerts.leaf(alice), tls.certificate());
            assertTrue(tls.tls());
            assertEquals(server.server().implicitTlsPort(), tls.local().getPort());
            assertTrue(tls.client().getAddress().isLoopbackAddress());
            LoginRequest plain = seen.get(2);
            assertFalse(plain.tls());
            assertTrue(plain.certificates().isEmpty());
            assertEquals(server.port(), plain.local().getPort());
            assertFalse(tls.toString().contains("password=x"), "toString hides the password");
        }
    }

    @Test
    void clientAuthWithoutCertificateIsAConfigurationError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FtpServer.builder().root(root).tlsClientAuth(FtpServer.ClientAuth.NEED).build());
        assertTrue(e.getMessage().contains("certificate"), e.getMessage());
    }
}

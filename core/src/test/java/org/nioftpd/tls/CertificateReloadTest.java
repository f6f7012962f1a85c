package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nioftpd.tls.FtpsRaw.expect;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.TestServer;

/**
 * Certificates replaced on disk without a restart (issue 16 item 2), and
 * chosen by the name a client asks for (SNI): the next handshake gets the new
 * pair, a session already up keeps working, a bad new pair (broken file, key
 * of another certificate, expired) is refused, logged, and the old one served.
 */
@Timeout(60)
class CertificateReloadTest {

    @TempDir
    Path dir;

    private final List<LogRecord> logged = new ArrayList<>();
    private final Logger log = Logger.getLogger(ServerKeys.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            synchronized (logged) {
                logged.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        log.addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        log.removeHandler(capture);
    }

    private boolean loggedWarning(String containing) {
        synchronized (logged) {
            return logged.stream().anyMatch(r -> r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()
                    && r.getMessage().contains(containing));
        }
    }

    /** A client that trusts every test certificate, so that the test can see which one it got. */
    private static SSLContext trustingAll() throws IOException, GeneralSecurityException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (String name : List.of("rsa-cert.pem", "ec-cert.pem", "other-cert.pem")) {
            try (InputStream in = Files.newInputStream(TlsTesting.fixture(name))) {
                trust.setCertificateEntry(name, CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }

    private static X509Certificate fixtureCert(String name) throws Exception {
        try (InputStream in = Files.newInputStream(TlsTesting.fixture(name))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** The certificate a new implicit-TLS connection is served, asking for {@code sniOrNull}. */
    private static X509Certificate served(TestServer server, String sniOrNull) throws Exception {
        try (SSLSocket s = (SSLSocket) trustingAll().getSocketFactory()
                .createSocket("127.0.0.1", server.server().implicitTlsPort())) {
            s.setSoTimeout(10_000);
            if (sniOrNull != null) {
                SSLParameters p = s.getSSLParameters();
                p.setServerNames(List.of(new SNIHostName(sniOrNull)));
                s.setSSLParameters(p);
            }
            s.startHandshake();
            byte[] greeting = new byte[3];
            assertEquals(3, s.getInputStream().readNBytes(greeting, 0, 3));
            assertEquals("220", new String(greeting, StandardCharsets.US_ASCII));
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private void install(String cert, String key) throws IOException {
        // as certbot and most tools do: write beside, then rename over
        Files.copy(TlsTesting.fixture(key), dir.resolve("key.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(dir.resolve("key.tmp"), dir.resolve("key.pem"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Files.copy(TlsTesting.fixture(cert), dir.resolve("cert.tmp"), StandardCopyOption.REPLACE_EXISTING);
        Files.move(dir.resolve("cert.tmp"), dir.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private TestServer server(Duration pollEvery) throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        return TestServer.start(root, b -> b.tlsPem(dir.resolve("cert.pem"), dir.resolve("key.pem"))
                .implicitTlsListen(new java.net.InetSocketAddress("127.0.0.1", 0))
                .tlsReloadInterval(pollEvery));
    }

    @Test
    void changedFilesAreServedToTheNextClientWhileASessionInFlightGoesOn() throws Exception {
        install("rsa-cert.pem", "rsa-key.pem");
        X509Certificate a = fixtureCert("rsa-cert.pem");
        X509Certificate b = fixtureCert("ec-cert.pem");
        try (TestServer server = server(Duration.ofMillis(100));
             FtpsRaw inFlight = FtpsRaw.implicit(server.server().implicitTlsPort(), trustingAll())) {
            expect("220", inFlight.reply());
            inFlight.login();
            assertEquals(a, served(server, null));

            install("ec-cert.pem", "ec-key-sec1.pem");
            Await.until(Duration.ofSeconds(20), "the poll to serve the new certificate", () -> {
                try {
                    return served(server, null).equals(b);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            expect("257", inFlight.command("PWD")); // the session made with A goes on
            expect("200", inFlight.command("NOOP"));
        }
    }

    @Test
    void aBadNewPairIsRefusedLoggedAndTheOldOneStays() throws Exception {
        install("rsa-cert.pem", "rsa-key.pem");
        X509Certificate a = fixtureCert("rsa-cert.pem");
        try (TestServer server = server(Duration.ZERO)) { // no poll: the test triggers each reload
            // a certificate whose key is another's
            Files.copy(TlsTesting.fixture("ec-cert.pem"), dir.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> server.server().reloadTls());
            assertTrue(e.getMessage().contains("key.pem"), e.getMessage());
            assertTrue(loggedWarning("TLS reload refused"), "logged: " + logged);
            assertEquals(a, served(server, null));

            // not PEM at all
            Files.writeString(dir.resolve("cert.pem"), "half-written garbage");
            e = assertThrows(IllegalArgumentException.class, () -> server.server().reloadTls());
            assertTrue(e.getMessage().contains("cert.pem"), e.getMessage());
            assertEquals(a, served(server, null));

            // expired
            Files.copy(TlsTesting.fixture("rsa-expired-cert.pem"), dir.resolve("cert.pem"), StandardCopyOption.REPLACE_EXISTING);
            e = assertThrows(IllegalArgumentException.class, () -> server.server().reloadTls());
            assertTrue(e.getMessage().contains("not valid now"), e.getMessage());
            assertEquals(a, served(server, null));

            // and a good pair again is taken
            install("ec-cert.pem", "ec-key-sec1.pem");
            assertTrue(server.server().reloadTls().contains("EC"));
            assertEquals(fixtureCert("ec-cert.pem"), served(server, null));
        }
    }

    @Test
    void aBrokenFileSeenByThePollIsLoggedAndTheOldPairStays() throws Exception {
        install("rsa-cert.pem", "rsa-key.pem");
        try (TestServer server = server(Duration.ofMillis(100))) {
            Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n");
            Await.until(Duration.ofSeconds(20), "the poll to log the refusal", () -> loggedWarning("key.pem"));
            assertEquals(fixtureCert("rsa-cert.pem"), served(server, null));
        }
    }

    @Test
    void sniPicksTheCertificateOfTheNameAskedFor() throws Exception {
        install("rsa-cert.pem", "rsa-key.pem");
        Path root = Files.createDirectories(dir.resolve("root"));
        try (TestServer server = TestServer.start(root, b -> b.tlsPem(dir.resolve("cert.pem"), dir.resolve("key.pem"))
                .tlsHostPem(List.of("other.test", "*.other.test"), TlsTesting.fixture("other-cert.pem"),
                        TlsTesting.fixture("other-key.pem"))
                .implicitTlsListen(new java.net.InetSocketAddress("127.0.0.1", 0)))) {
            X509Certificate other = fixtureCert("other-cert.pem");
            X509Certificate def = fixtureCert("rsa-cert.pem");
            assertEquals(other, served(server, "other.test"));
            assertEquals(other, served(server, "ftp.other.test"));
            assertEquals(def, served(server, "a.b.other.test"), "a wildcard covers one label");
            assertEquals(def, served(server, "localhost"));
            assertEquals(def, served(server, null));
        }
    }

    @Test
    void anImplicitListenerWithItsOwnCertificateServesItOnControlAndDataConnections() throws Exception {
        install("rsa-cert.pem", "rsa-key.pem");
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("f.txt"), "x");
        try (TestServer server = TestServer.start(root, b -> b.tlsPem(dir.resolve("cert.pem"), dir.resolve("key.pem"))
                .implicitTlsListen(new java.net.InetSocketAddress("127.0.0.1", 0))
                .implicitTlsListen(new java.net.InetSocketAddress("127.0.0.1", 0), TlsTesting.fixture("other-cert.pem"),
                        TlsTesting.fixture("other-key.pem")))) {
            List<java.net.InetSocketAddress> implicit = server.server().implicitTlsAddresses();
            X509Certificate other = fixtureCert("other-cert.pem");
            X509Certificate def = fixtureCert("rsa-cert.pem");
            for (int i = 0; i < 2; i++) {
                X509Certificate expected = i == 0 ? def : other;
                try (FtpsRaw c = FtpsRaw.implicit(implicit.get(i).getPort(), trustingAll())) {
                    expect("220", c.reply());
                    c.login();
                    expect("200", c.command("PBSZ 0"));
                    expect("200", c.command("PROT P"));
                    int port = c.epsv();
                    try (java.net.Socket plain = FtpsRaw.dataPlain(port)) {
                        expect("1", c.command("RETR f.txt"));
                        SSLSocket data = FtpsRaw.dataTls(plain, trustingAll());
                        assertEquals(expected, data.getSession().getPeerCertificates()[0], "data connection, listener " + i);
                        data.getInputStream().readAllBytes();
                        data.close();
                        expect("226", c.reply());
                    }
                }
            }
            assertEquals(def, served(server, null), "the first implicit listener serves the default");
            assertEquals(def, served(server, "localhost"));
        }
    }
}

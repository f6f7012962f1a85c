package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * --tls-protocols, --tls-ciphers, --tls-groups, --tls-sni-cert and what
 * --check-config shows of them: checked with a real handshake that a client
 * outside the settings is refused and one inside is served.
 */
@Timeout(60)
class TlsSettingsOptionsTest extends DaemonTestBase {

    private Path fixture(String name) throws Exception {
        Path p = dir.resolve(name);
        if (!Files.exists(p)) {
            try (InputStream in = getClass().getResourceAsStream("/tls/" + name)) {
                Files.copy(in, p);
            }
        }
        return p;
    }

    private String[] withCert(String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--user", "u:p",
                "--tls-cert", fixture("rsa-cert.pem").toString(), "--tls-key", fixture("rsa-key.pem").toString(),
                "--implicit-tls-listen", "127.0.0.1:0"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static SSLContext trustAll() throws Exception {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // the tests' own self-signed certificates
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return c;
    }

    /** An implicit-TLS handshake with the given client settings (null: the JDK's); the session, or the failure thrown. */
    private static javax.net.ssl.SSLSession handshake(Daemon d, String protocol, String suite, String group, String sni)
            throws Exception {
        try (SSLSocket s = (SSLSocket) trustAll().getSocketFactory()
                .createSocket("127.0.0.1", d.server().implicitTlsAddresses().get(0).getPort())) {
            s.setSoTimeout(10_000);
            SSLParameters p = s.getSSLParameters();
            if (protocol != null) {
                p.setProtocols(new String[] {protocol});
            }
            if (suite != null) {
                p.setCipherSuites(new String[] {suite});
            }
            if (group != null) {
                SSLParameters.class.getMethod("setNamedGroups", String[].class).invoke(p, (Object) new String[] {group});
            }
            if (sni != null) {
                p.setServerNames(List.of(new SNIHostName(sni)));
            }
            s.setSSLParameters(p);
            s.startHandshake();
            assertEquals('2', s.getInputStream().read(), "the 220 greeting");
            return s.getSession();
        }
    }

    @Test
    void checkConfigShowsTheDefaultsMozillaIntermediate() throws Exception {
        Outcome r = runWithoutServer(withCert("--check-config"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("tls: protocols: TLSv1.3, TLSv1.2"), r.out());
        assertTrue(r.out().contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"), r.out());
        assertTrue(r.out().contains("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"), r.out());
        assertFalse(r.out().contains("_CBC_"), "no CBC suite: " + r.out());
        assertFalse(r.out().contains("TLS_RSA_WITH"), "no RSA key exchange: " + r.out());
        assertTrue(r.out().contains("tls: certificate default: "), r.out());
        assertTrue(r.out().endsWith("configuration OK" + System.lineSeparator()), r.out());
    }

    @Test
    void tls13OnlyRefusesATls12Client() throws Exception {
        Outcome r = runWithoutServer(withCert("--tls-protocols", "TLSv1.3", "--check-config"));
        assertTrue(r.out().contains("tls: protocols: TLSv1.3" + System.lineSeparator()), r.out());
        Daemon d = start(withCert("--tls-protocols", "TLSv1.3"));
        assertEquals("TLSv1.3", handshake(d, null, null, null, null).getProtocol());
        assertThrows(IOException.class, () -> handshake(d, "TLSv1.2", null, null, null));
    }

    @Test
    void cipherSuitesAreTheOnesGiven() throws Exception {
        Daemon d = start(withCert("--tls-protocols", "TLSv1.2", "--tls-ciphers", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
        assertEquals("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", handshake(d, null, null, null, null).getCipherSuite());
        assertThrows(IOException.class, () -> handshake(d, null, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", null, null));
    }

    @Test
    void theDefaultsRefuseCbcAndRsaKeyExchange() throws Exception {
        Daemon d = start(withCert());
        assertThrows(IOException.class, () -> handshake(d, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", null, null));
        assertThrows(IOException.class, () -> handshake(d, "TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256", null, null));
        assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                handshake(d, "TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", null, null).getCipherSuite());
    }

    @Test
    void namedGroupsAreTheOnesGivenOnJava20AndLater() throws Exception {
        assumeTrue(Runtime.version().feature() >= 20,
                "SSLParameters.setNamedGroups needs Java 20 (on 17 the groups are the JVM-wide jdk.tls.namedGroups)");
        Daemon d = start(withCert("--tls-groups", "secp384r1"));
        handshake(d, null, null, "secp384r1", null);
        assertThrows(IOException.class, () -> handshake(d, null, null, "x25519", null));
    }

    @Test
    void sniCertificatesFromTheCommandLine() throws Exception {
        Daemon d = start(withCert("--tls-sni-cert", "other.test,*.other.test=" + fixture("other-cert.pem") + ":"
                + fixture("other-key.pem")));
        X509Certificate other = (X509Certificate) handshake(d, null, null, null, "ftp.other.test").getPeerCertificates()[0];
        assertTrue(other.getSubjectX500Principal().getName().contains("other.test"), other.toString());
        X509Certificate def = (X509Certificate) handshake(d, null, null, null, "localhost").getPeerCertificates()[0];
        assertTrue(def.getSubjectX500Principal().getName().contains("localhost"), def.toString());
    }

    @Test
    void badSettingsAreOneLineErrors() throws Exception {
        for (String[] bad : List.of(
                new String[] {"--tls-protocols", "TLSv1.1"},
                new String[] {"--tls-ciphers", "TLS_NO_SUCH_SUITE"},
                new String[] {"--tls-protocols", "TLSv1.3", "--tls-ciphers", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
                new String[] {"--tls-sni-cert", "no-equals-sign"},
                new String[] {"--tls-sni-cert", "bad host!=/x:/y"},
                new String[] {"--tls-reload-interval", "-1"})) {
            String[] args = new java.util.ArrayList<>(List.of(withCert(bad))) {
                {
                    add("--check-config");
                }
            }.toArray(String[]::new);
            Outcome r = runWithoutServer(args);
            assertEquals(2, r.status(), String.join(" ", bad) + ": " + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
        }
    }

    @Test
    void anImplicitListenerWithItsOwnCertificateFromTheCommandLine() throws Exception {
        Daemon d = start(withCert("--implicit-tls-listen", "127.0.0.1:0=" + fixture("other-cert.pem") + ":"
                + fixture("other-key.pem")));
        assertEquals(2, d.server().implicitTlsAddresses().size());
        try (SSLSocket s = (SSLSocket) trustAll().getSocketFactory()
                .createSocket("127.0.0.1", d.server().implicitTlsAddresses().get(1).getPort())) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            X509Certificate cert = (X509Certificate) s.getSession().getPeerCertificates()[0];
            assertTrue(cert.getSubjectX500Principal().getName().contains("other.test"), cert.toString());
        }
        X509Certificate def = (X509Certificate) handshake(d, null, null, null, null).getPeerCertificates()[0];
        assertTrue(def.getSubjectX500Principal().getName().contains("localhost"), def.toString());
    }

    @Test
    void sighupReloadsTheCertificateFiles() throws Exception {
        Path cert = dir.resolve("live-cert.pem");
        Path key = dir.resolve("live-key.pem");
        Files.copy(fixture("rsa-cert.pem"), cert);
        Files.copy(fixture("rsa-key.pem"), key);
        Daemon d = start("--user", "u:p", "--tls-cert", cert.toString(), "--tls-key", key.toString(),
                "--implicit-tls-listen", "127.0.0.1:0", "--tls-reload-interval", "0");
        Files.copy(fixture("other-key.pem"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertFalse(d.reloadTls(), "a key without its certificate is refused");
        Files.copy(fixture("other-cert.pem"), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(d.reloadTls()); // what the SIGHUP handler calls
        X509Certificate now = (X509Certificate) handshake(d, null, null, null, null).getPeerCertificates()[0];
        assertTrue(now.getSubjectX500Principal().getName().contains("other.test"), now.toString());
    }
}

package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nioftpd.tls.TlsTesting.fixture;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.FtpServer;
import org.nioftpd.testing.TestServer;

/** Keys and certificates read with the JDK alone, and the one-line errors for bad ones. */
@Timeout(60)
class KeyMaterialTest {

    @TempDir
    Path dir;

    @Test
    void everySupportedFormatServesItsCertificate() throws Exception {
        Path rsa = fixture("rsa-cert.pem");
        serves(rsa, b -> b.tlsPem(rsa, fixture("rsa-key.pem")));          // PKCS#8
        serves(rsa, b -> b.tlsPem(rsa, fixture("rsa-key-pkcs1.pem")));    // PKCS#1
        serves(rsa, b -> b.tlsKeyStore(fixture("server.p12"), TlsTesting.KEYSTORE_PASSWORD.toCharArray()));
        Path ec = fixture("ec-cert.pem");
        serves(ec, b -> b.tlsPem(ec, fixture("ec-key-sec1.pem")));        // SEC1
        Path both = Files.writeString(dir.resolve("both.pem"),
                Files.readString(fixture("rsa-key.pem")) + "\n" + Files.readString(rsa));
        serves(rsa, b -> b.tlsPem(both, both));                           // key and chain in one file
    }

    /** Starts a server configured by {@code tls}, does an implicit-TLS handshake, and checks the certificate it shows. */
    private void serves(Path expectedCert, Consumer<FtpServer.Builder> tls) throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        try (TestServer server = TestServer.start(root, b -> {
            b.implicitTlsListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            tls.accept(b);
        }); FtpsRaw c = FtpsRaw.implicit(server.server().implicitTlsPort(),
                TlsTesting.clientContext("TLS", expectedCert))) {
            FtpsRaw.expect("220", c.reply());
            byte[] expected = java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(Files.newInputStream(expectedCert)).getEncoded();
            assertArrayEquals(expected, c.tls().getSession().getPeerCertificates()[0].getEncoded());
        }
    }

    @Test
    void badKeysFailAtBuildWithOneLineNamingTheFile() throws Exception {
        Path rsaCert = fixture("rsa-cert.pem");
        Path otherKey = pkcs8(dir.resolve("other-key.pem"));
        fails(otherKey, "does not match", b -> b.tlsPem(rsaCert, otherKey));
        Path ecKey = fixture("ec-key-sec1.pem");
        fails(ecKey, "RSA", b -> b.tlsPem(rsaCert, ecKey));
        Path missing = dir.resolve("missing.pem");
        fails(missing, "cannot read", b -> b.tlsPem(rsaCert, missing));
        fails(missing, "cannot read", b -> b.tlsPem(missing, fixture("rsa-key.pem")));
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
        fails(garbage, "not a PEM file", b -> b.tlsPem(garbage, fixture("rsa-key.pem")));
        Path keyOnly = fixture("rsa-key.pem");
        fails(keyOnly, "no \"BEGIN CERTIFICATE\"", b -> b.tlsPem(keyOnly, keyOnly));
        fails(rsaCert, "no \"BEGIN PRIVATE KEY\"", b -> b.tlsPem(rsaCert, rsaCert));
        Path encrypted = Files.writeString(dir.resolve("enc.pem"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBAA==\n-----END ENCRYPTED PRIVATE KEY-----\n");
        fails(encrypted, "encrypted PEM keys are not supported", b -> b.tlsPem(rsaCert, encrypted));
        Path legacyEncrypted = Files.writeString(dir.resolve("enc1.pem"), "-----BEGIN RSA PRIVATE KEY-----\n"
                + "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\n"
                + "MIIBAA==\n-----END RSA PRIVATE KEY-----\n");
        fails(legacyEncrypted, "encrypted PEM keys are not supported", b -> b.tlsPem(rsaCert, legacyEncrypted));
        Path p12 = fixture("server.p12");
        fails(p12, "wrong keystore password", b -> b.tlsKeyStore(p12, "nope".toCharArray()));
        fails(rsaCert, "PKCS#12", b -> b.tlsKeyStore(rsaCert, "x".toCharArray()));
    }

    @Test
    void tlsOptionsNeedACertificate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FtpServer.builder()
                .root(dir).implicitTlsListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build());
        assertTrue(e.getMessage().contains("certificate"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FtpServer.builder().root(dir).tlsRequired(true).build());
        assertThrows(IllegalArgumentException.class, () -> FtpServer.builder().root(dir)
                .tlsPem(fixture("rsa-cert.pem"), fixture("rsa-key.pem"))
                .tlsKeyStore(fixture("server.p12"), "changeit".toCharArray()).build());
    }

    private void fails(Path file, String why, Consumer<FtpServer.Builder> tls) {
        FtpServer.Builder b = FtpServer.builder().root(dir);
        tls.accept(b);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), "names the file: " + m);
        assertTrue(m.contains(why), "says why (" + why + "): " + m);
        assertFalse(m.contains("\n"), "one line: " + m);
    }

    /** A fresh RSA key, as a PKCS#8 PEM file: a key that belongs to no certificate here. */
    private static Path pkcs8(Path file) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(g.generateKeyPair().getPrivate().getEncoded());
        return Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n");
    }

    @Test
    void onlyTls12AndTls13AreOffered() throws Exception {
        TlsConfig tls = new TlsConfig(KeyMaterial.fromPem(fixture("rsa-cert.pem"), fixture("rsa-key.pem")).sslContext(),
                false, false);
        assertArrayEquals(new String[] {"TLSv1.3", "TLSv1.2"}, tls.newEngine().getEnabledProtocols());
        assertEquals(false, tls.newEngine().getUseClientMode());
    }
}

package org.nioftpd.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPReply;
import org.apache.commons.net.ftp.FTPSClient;
import org.nioftpd.FtpServer;
import org.nioftpd.testing.TestServer;

/**
 * The TLS test fixtures (src/test/resources/tls, made once by make-fixtures.sh:
 * self-signed, CN=localhost) and clients that trust them.
 */
public final class TlsTesting {

    public static final String KEYSTORE_PASSWORD = "changeit";

    private TlsTesting() {
    }

    /** A fixture file by name: rsa-cert.pem, rsa-key.pem, rsa-key-pkcs1.pem, ec-cert.pem, ec-key-sec1.pem, server.p12. */
    public static Path fixture(String name) {
        try {
            return Path.of(TlsTesting.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test fixture tls/" + name, e);
        }
    }

    /** A test server (see {@link TestServer}) with the RSA PEM pair, an implicit-TLS listener on port 0, and {@code customize}. */
    public static TestServer server(Path root, Consumer<FtpServer.Builder> customize) throws IOException {
        return TestServer.start(root, b -> {
            b.tlsPem(fixture("rsa-cert.pem"), fixture("rsa-key.pem"))
                    .implicitTlsListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            customize.accept(b);
        });
    }

    public static TestServer server(Path root) throws IOException {
        return server(root, b -> { });
    }

    /** A client-side context that trusts exactly the test certificate. */
    public static SSLContext clientContext() {
        return clientContext("TLS");
    }

    /** Same, for one protocol ("TLSv1.2") or "TLS" for the defaults. */
    public static SSLContext clientContext(String protocol) {
        return clientContext(protocol, fixture("rsa-cert.pem"));
    }

    /** A client-side context that trusts exactly the certificate in {@code certPem}. */
    public static SSLContext clientContext(String protocol, Path certPem) {
        try (InputStream in = Files.newInputStream(certPem)) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext c = SSLContext.getInstance(protocol);
            c.init(null, tmf.getTrustManagers(), null);
            return c;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A Commons Net FTPS client with bounded timeouts, not yet connected. */
    public static FTPSClient newClient(boolean implicit) {
        FTPSClient c = new FTPSClient(implicit, clientContext());
        c.setConnectTimeout(10_000);
        c.setDefaultTimeout(20_000);
        c.setDataTimeout(Duration.ofSeconds(20));
        return c;
    }

    /** Connected (explicit: AUTH TLS; implicit: TLS from the start), logged in as u/p, PBSZ 0, PROT P, passive, binary. */
    public static FTPSClient login(TestServer server, boolean implicit) throws IOException {
        FTPSClient c = newClient(implicit);
        c.connect("127.0.0.1", implicit ? server.server().implicitTlsPort() : server.port());
        if (!FTPReply.isPositiveCompletion(c.getReplyCode())) {
            throw new IOException("greeting: " + c.getReplyString());
        }
        if (!c.login(TestServer.USER, TestServer.PASSWORD)) {
            throw new IOException("login: " + c.getReplyString());
        }
        c.execPBSZ(0);
        c.execPROT("P");
        c.enterLocalPassiveMode();
        c.setFileType(FTP.BINARY_FILE_TYPE);
        return c;
    }

    public static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(Path file) throws IOException {
        return sha256(Files.readAllBytes(file));
    }
}

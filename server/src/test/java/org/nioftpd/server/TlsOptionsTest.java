package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPSClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The --tls-* options: a real FTPS login and transfer, and one-line errors for what does not fit. */
@Timeout(60)
class TlsOptionsTest extends DaemonTestBase {

    /** Copies a fixture of the core test-jar (made by core/src/test/resources/tls/make-fixtures.sh) to a file. */
    private Path fixture(String name) throws Exception {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/tls/" + name)) {
            Files.copy(in, p);
        }
        return p;
    }

    private static FTPSClient ftps(boolean implicit) {
        FTPSClient c = new FTPSClient(implicit);
        c.setTrustManager(new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // the test's own self-signed certificate
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        });
        c.setConnectTimeout(10_000);
        c.setDefaultTimeout(20_000);
        c.setDataTimeout(Duration.ofSeconds(20));
        return c;
    }

    @Test
    void explicitAndImplicitFtpsFromTheCommandLine() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Daemon d = start("--root", root.toString(), "--user", "u:p",
                "--tls-cert", fixture("rsa-cert.pem").toString(), "--tls-key", fixture("rsa-key.pem").toString(),
                "--implicit-tls-listen", "127.0.0.1:0", "--tls-required");
        assertTrue(d.server().tlsEnabled());
        assertEquals(1, d.server().implicitTlsAddresses().size());
        for (boolean implicit : new boolean[] {false, true}) {
            FTPSClient c = ftps(implicit);
            int port = implicit ? d.server().implicitTlsAddresses().get(0).getPort() : d.server().port();
            c.connect("127.0.0.1", port); // explicit: Commons Net sends AUTH TLS as part of connect
            assertTrue(c.login("u", "p"), c.getReplyString());
            c.execPBSZ(0);
            c.execPROT("P");
            c.enterLocalPassiveMode();
            c.setFileType(FTP.BINARY_FILE_TYPE);
            String name = implicit ? "implicit.txt" : "explicit.txt";
            assertTrue(c.storeFile(name, new ByteArrayInputStream(name.getBytes(StandardCharsets.UTF_8))),
                    c.getReplyString());
            assertEquals(name, Files.readString(root.resolve(name)));
            c.disconnect();
        }
    }

    @Test
    void plaintextLoginRefusedWhenTlsIsRequired() throws Exception {
        Daemon d = start("--user", "u:p", "--tls-cert", fixture("rsa-cert.pem").toString(),
                "--tls-key", fixture("rsa-key.pem").toString(), "--tls-required");
        var c = connect(d);
        assertTrue(c.getReplyString().startsWith("220"));
        assertEquals(530, c.user("u"));
    }

    private int run(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true));
        lastError = err.toString(StandardCharsets.UTF_8);
        return code;
    }

    private String lastError;

    @Test
    void optionsThatDoNotFitAreOneLineErrors() throws Exception {
        String cert = fixture("rsa-cert.pem").toString();
        String key = fixture("rsa-key.pem").toString();
        String ecKey = fixture("ec-key-sec1.pem").toString();
        String p12 = fixture("server.p12").toString();
        assertEquals(2, run("--tls-cert", cert, "--check-config"));
        assertTrue(lastError.startsWith("nioftpd: --tls-cert: --tls-cert and --tls-key go together"), lastError);
        assertEquals(2, run("--tls-cert", cert, "--tls-key", key, "--tls-keystore", p12,
                "--tls-keystore-password", "changeit", "--check-config"));
        assertTrue(lastError.contains("not both"), lastError);
        assertEquals(2, run("--tls-keystore", p12, "--check-config"));
        assertTrue(lastError.contains("--tls-keystore and --tls-keystore-password go together"), lastError);
        assertEquals(2, run("--tls-cert", cert, "--tls-key", ecKey, "--check-config"), "a key that is not the cert's");
        assertEquals(1, lastError.strip().lines().count(), lastError);
        assertEquals(2, run("--tls-keystore", p12, "--tls-keystore-password", "wrong", "--check-config"));
        assertEquals(1, lastError.strip().lines().count(), lastError);
        assertEquals(0, run("--tls-keystore", p12, "--tls-keystore-password", "changeit", "--check-config"), lastError);
        assertEquals(0, run("--tls-cert", cert, "--tls-key", key, "--check-config"), lastError);
    }
}

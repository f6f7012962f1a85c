package org.nioftpd.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Client certificates made by the JDK's own keytool in a temporary
 * directory: a test CA, certificates it signs, and a self-signed one it does
 * not. All EC P-256, valid for two days.
 */
public final class ClientCerts {

    public static final String PASSWORD = "changeit";
    private final Path dir;

    private ClientCerts(Path dir) {
        this.dir = dir;
    }

    /** Makes the CA in {@code dir}: {@code ca.p12}, and its certificate as {@code ca.pem}. */
    public static ClientCerts create(Path dir) throws IOException {
        ClientCerts c = new ClientCerts(dir);
        c.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=nioftpd test CA", "-ext", "bc:c", "-keystore", "ca.p12");
        c.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        return c;
    }

    /** The CA's certificate, PEM: what {@code tlsClientCa} is given. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** A key and a certificate for {@code subject} signed by the CA, in {@code name.p12} (chain: leaf, CA). */
    public Path issue(String name, String subject) throws IOException {
        String p12 = name + ".p12";
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", subject, "-keystore", p12);
        keytool("-certreq", "-alias", name, "-keystore", p12, "-file", name + ".csr");
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", name + ".csr",
                "-outfile", name + ".cer", "-validity", "2", "-ext", "eku=clientAuth");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", p12);
        keytool("-importcert", "-noprompt", "-alias", name, "-file", name + ".cer", "-keystore", p12);
        return dir.resolve(p12);
    }

    /** A self-signed key and certificate for {@code subject}, which the CA never signed. */
    public Path selfSigned(String name, String subject) throws IOException {
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", subject, "-keystore", name + ".p12");
        return dir.resolve(name + ".p12");
    }

    /** The leaf certificate of a keystore made here. */
    public static X509Certificate leaf(Path p12) {
        KeyStore ks = load(p12);
        try {
            for (String alias : java.util.Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    return (X509Certificate) ks.getCertificateChain(alias)[0];
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no key in " + p12);
    }

    /** SHA-256 of the certificate as openssl prints it: AB:CD:... */
    public static String fingerprint(X509Certificate cert) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A client context that presents the key of {@code clientP12} (null: none)
     * and trusts the server's test certificate.
     */
    public static SSLContext clientContext(Path clientP12) {
        try {
            javax.net.ssl.KeyManager[] keys = null;
            if (clientP12 != null) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
                kmf.init(load(clientP12), PASSWORD.toCharArray());
                keys = new javax.net.ssl.KeyManager[] {new Presenting((javax.net.ssl.X509KeyManager) kmf.getKeyManagers()[0])};
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream in = ClientCerts.class.getResourceAsStream("/tls/rsa-cert.pem")) { // also from the test-jar
                trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(keys, tmf.getTrustManagers(), null);
            return c;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Presents the store's key whatever CAs the server names: the JDK's own key
     * manager would quietly send nothing when its certificate is not from one
     * of them, and a test of a foreign certificate would test nothing.
     */
    private static final class Presenting extends javax.net.ssl.X509ExtendedKeyManager {
        private final javax.net.ssl.X509KeyManager d;

        Presenting(javax.net.ssl.X509KeyManager d) {
            this.d = d;
        }

        private String any(String[] keyTypes) {
            for (String t : keyTypes) {
                String[] aliases = d.getClientAliases(t, null);
                if (aliases != null && aliases.length > 0) {
                    return aliases[0];
                }
            }
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, Socket socket) {
            return any(keyType);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
                                              javax.net.ssl.SSLEngine engine) {
            return any(keyType);
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return d.getClientAliases(keyType, null);
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return d.getCertificateChain(alias);
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            return d.getPrivateKey(alias);
        }
    }

    private static KeyStore load(Path p12) {
        try (InputStream in = Files.newInputStream(p12)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void keytool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storepass", PASSWORD, "-storetype", "PKCS12"));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool timed out: " + cmd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("keytool failed (" + p.exitValue() + "): " + cmd + "\n" + out);
        }
    }
}

package org.nioftpd.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server's private key and certificate chain, read with the JDK alone
 * (CertificateFactory, KeyFactory, KeyStore; no BouncyCastle), and turned into
 * an {@link SSLContext}. Every failure is an {@link IllegalArgumentException}
 * with a one-line message that names the file, so that a server refuses to
 * start on a bad key rather than failing every handshake later.
 *
 * <p>Supported:
 * <ul>
 *   <li>PEM certificate file: one or more "BEGIN CERTIFICATE" blocks, the
 *       server's first, then its chain; text around the blocks is ignored;</li>
 *   <li>PEM key file: unencrypted PKCS#8 ("BEGIN PRIVATE KEY": RSA, EC,
 *       Ed25519/Ed448, RSASSA-PSS, DSA, whatever the certificate's algorithm
 *       is), PKCS#1 ("BEGIN RSA PRIVATE KEY") and SEC1 ("BEGIN EC PRIVATE
 *       KEY", named curves), the last two rewrapped as PKCS#8 by hand. The key
 *       may also sit in the certificate file (pass the same file twice).
 *       Encrypted PEM keys ("BEGIN ENCRYPTED PRIVATE KEY", or "Proc-Type:
 *       4,ENCRYPTED") are refused with a message that says to use PKCS#12;</li>
 *   <li>PKCS#12 keystore with its password (the first key entry is used;
 *       the key's password must be the store's, as openssl and keytool make
 *       them).</li>
 * </ul>
 * The key must belong to the certificate: checked at load by signing and
 * verifying a random challenge (RSA: comparing moduli).
 */
public final class KeyMaterial {

    private static final System.Logger LOG = System.getLogger(KeyMaterial.class.getName());
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

    private final PrivateKey key;
    private final X509Certificate[] chain;

    private KeyMaterial(PrivateKey key, X509Certificate[] chain) {
        this.key = key;
        this.chain = chain;
    }

    public PrivateKey key() {
        return key;
    }

    public X509Certificate[] chain() {
        return chain.clone();
    }

    // -------------------------------------------------------------------- PEM

    /** Reads a PEM certificate chain and a PEM private key. */
    public static KeyMaterial fromPem(Path certFile, Path keyFile) {
        List<X509Certificate> certs = new ArrayList<>();
        for (Block b : blocks(certFile)) {
            if (b.type.equals("CERTIFICATE")) {
                certs.add(certificate(certFile, b.der));
            }
        }
        if (certs.isEmpty()) {
            throw bad(certFile, "no \"BEGIN CERTIFICATE\" block");
        }
        X509Certificate leaf = certs.get(0);
        PrivateKey key = null;
        for (Block b : blocks(keyFile)) {
            key = switch (b.type) {
                case "PRIVATE KEY" -> pkcs8(keyFile, b.der, leaf);
                case "RSA PRIVATE KEY" -> {
                    refuseEncrypted(keyFile, b);
                    yield pkcs8(keyFile, rsaPkcs1ToPkcs8(b.der), leaf);
                }
                case "EC PRIVATE KEY" -> {
                    refuseEncrypted(keyFile, b);
                    yield pkcs8(keyFile, ecSec1ToPkcs8(keyFile, b.der, leaf), leaf);
                }
                case "ENCRYPTED PRIVATE KEY" -> throw bad(keyFile,
                        "encrypted PEM keys are not supported; decrypt it (openssl pkcs8) or use a PKCS#12 keystore");
                default -> null; // certificates, EC PARAMETERS...: not the key
            };
            if (key != null) {
                break;
            }
        }
        if (key == null) {
            throw bad(keyFile, "no \"BEGIN PRIVATE KEY\", \"BEGIN RSA PRIVATE KEY\" or \"BEGIN EC PRIVATE KEY\" block");
        }
        checkPair(keyFile, key, leaf);
        warnIfExpired(certFile, leaf);
        return new KeyMaterial(key, certs.toArray(X509Certificate[]::new));
    }

    private record Block(String type, String headers, byte[] der) {
    }

    private static List<Block> blocks(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1).replace("\r\n", "\n");
        } catch (IOException e) {
            throw bad(file, "cannot read: " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
        List<Block> blocks = new ArrayList<>();
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            String headers = "";
            int blank = body.indexOf("\n\n");
            if (body.contains(":") && blank >= 0) { // RFC 1421 headers (Proc-Type, DEK-Info) end at a blank line
                headers = body.substring(0, blank);
                body = body.substring(blank);
            }
            try {
                blocks.add(new Block(m.group(1), headers, Base64.getMimeDecoder().decode(body.strip())));
            } catch (IllegalArgumentException e) {
                throw bad(file, "bad base64 in the \"" + m.group(1) + "\" block");
            }
        }
        if (blocks.isEmpty()) {
            throw bad(file, "not a PEM file (no -----BEGIN ...----- block)");
        }
        return blocks;
    }

    private static void refuseEncrypted(Path file, Block b) {
        if (b.headers.contains("ENCRYPTED")) {
            throw bad(file, "encrypted PEM keys are not supported; decrypt it (openssl pkey) or use a PKCS#12 keystore");
        }
    }

    private static X509Certificate certificate(Path file, byte[] der) {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException e) {
            throw bad(file, "bad certificate: " + e.getMessage());
        }
    }

    /** A PKCS#8 key of the certificate's algorithm. */
    private static PrivateKey pkcs8(Path file, byte[] der, X509Certificate leaf) {
        String algorithm = leaf.getPublicKey().getAlgorithm();
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (InvalidKeySpecException e) {
            throw bad(file, "not a " + algorithm + " private key, as the certificate's is (" + e.getMessage() + ")");
        } catch (GeneralSecurityException e) {
            throw bad(file, "unsupported key algorithm " + algorithm + ": " + e.getMessage());
        }
    }

    // rsaEncryption, 1.2.840.113549.1.1.1, and ecPublicKey, 1.2.840.10045.2.1, as DER OIDs
    private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 1, 1, 1};
    private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 2, 1};
    private static final byte[] NULL = {0x05, 0x00};
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    /** RFC 8017 RSAPrivateKey inside RFC 5208 PrivateKeyInfo. */
    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        return Der.tlv(0x30, VERSION_0, Der.tlv(0x30, RSA_OID, NULL), Der.tlv(0x04, pkcs1));
    }

    /**
     * RFC 5915 ECPrivateKey inside RFC 5208 PrivateKeyInfo. The curve is the
     * key's own [0] parameters, or else the certificate's.
     */
    static byte[] ecSec1ToPkcs8(Path file, byte[] sec1, X509Certificate leaf) {
        byte[] curve = null;
        try {
            for (Der.Tlv part : Der.children(Der.read(sec1, 0))) {
                if (part.tag() == 0xa0) {
                    curve = Der.read(part.content(), 0).encoded();
                }
            }
            if (curve == null) {
                // SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { ecPublicKey, namedCurve }, BIT STRING }
                Der.Tlv algorithm = Der.children(Der.read(leaf.getPublicKey().getEncoded(), 0)).get(0);
                List<Der.Tlv> ids = Der.children(algorithm);
                if (ids.size() < 2 || ids.get(1).tag() != 0x06) {
                    throw bad(file, "EC key without a named curve");
                }
                curve = ids.get(1).encoded();
            }
        } catch (IllegalStateException e) {
            throw bad(file, "bad EC PRIVATE KEY: " + e.getMessage());
        }
        return Der.tlv(0x30, VERSION_0, Der.tlv(0x30, EC_OID, curve), Der.tlv(0x04, sec1));
    }

    // ---------------------------------------------------------------- PKCS#12

    /** Reads the first key entry of a PKCS#12 keystore; the key's password is the store's. */
    public static KeyMaterial fromPkcs12(Path file, char[] password) {
        KeyStore ks;
        try (InputStream in = Files.newInputStream(file)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw bad(file, "wrong keystore password");
            }
            throw bad(file, "cannot read PKCS#12 keystore: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw bad(file, "cannot read PKCS#12 keystore: " + e.getMessage());
        }
        try {
            for (Enumeration<String> aliases = ks.aliases(); aliases.hasMoreElements(); ) {
                String alias = aliases.nextElement();
                if (!ks.isKeyEntry(alias)) {
                    continue;
                }
                PrivateKey key = (PrivateKey) ks.getKey(alias, password);
                Certificate[] certs = ks.getCertificateChain(alias);
                if (certs == null || certs.length == 0 || !(certs[0] instanceof X509Certificate)) {
                    throw bad(file, "key entry \"" + alias + "\" has no X.509 certificate chain");
                }
                X509Certificate[] chain = new X509Certificate[certs.length];
                for (int i = 0; i < certs.length; i++) {
                    chain[i] = (X509Certificate) certs[i];
                }
                checkPair(file, key, chain[0]);
                warnIfExpired(file, chain[0]);
                return new KeyMaterial(key, chain);
            }
        } catch (UnrecoverableKeyException e) {
            throw bad(file, "the key's password differs from the keystore's");
        } catch (GeneralSecurityException e) {
            throw bad(file, "cannot read the key: " + e.getMessage());
        }
        throw bad(file, "no private key entry in the keystore");
    }

    // ------------------------------------------------------------------ checks

    /** Refuses a key that does not belong to the certificate: the handshake would fail for every client. */
    private static void checkPair(Path file, PrivateKey key, X509Certificate leaf) {
        PublicKey pub = leaf.getPublicKey();
        if (key instanceof RSAPrivateKey rsa && pub instanceof RSAPublicKey rsaPub) {
            if (!rsa.getModulus().equals(rsaPub.getModulus())) {
                throw bad(file, "the private key does not match the certificate");
            }
            return;
        }
        String signature = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            case "EdDSA", "Ed25519", "Ed448" -> key.getAlgorithm();
            default -> null; // RSASSA-PSS needs parameters; the handshake will tell
        };
        if (signature == null) {
            return;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature s = Signature.getInstance(signature);
            s.initSign(key);
            s.update(challenge);
            byte[] signed = s.sign();
            s.initVerify(pub);
            s.update(challenge);
            if (!s.verify(signed)) {
                throw bad(file, "the private key does not match the certificate");
            }
        } catch (GeneralSecurityException e) {
            throw bad(file, "the private key does not match the certificate (" + e.getMessage() + ")");
        }
    }

    private static void warnIfExpired(Path file, X509Certificate leaf) {
        try {
            leaf.checkValidity();
        } catch (CertificateException e) {
            LOG.log(System.Logger.Level.WARNING, "TLS certificate in " + file + " is not valid now: " + e.getMessage());
        }
    }

    private static IllegalArgumentException bad(Path file, String why) {
        return new IllegalArgumentException("TLS: " + file + ": " + why);
    }

    // ------------------------------------------------------------------ context

    /** A TLS context serving this key and chain, no client certificates asked. */
    public SSLContext sslContext() {
        return sslContext((javax.net.ssl.TrustManager[]) null);
    }

    /**
     * A TLS context serving this key and chain that verifies client
     * certificates against the CA certificates of {@code clientCaPem} (a PEM
     * bundle), or against the JDK's default trust store when it is null.
     */
    public SSLContext sslContext(Path clientCaPem) {
        return sslContext(clientCaPem == null ? null : trustManagers(clientCaPem));
    }

    /** Trust managers that accept certificates issued by the CAs of a PEM bundle, and by nothing else. */
    public static javax.net.ssl.TrustManager[] trustManagers(Path caPem) {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int n = 0;
            for (Block b : blocks(caPem)) {
                if (b.type.equals("CERTIFICATE")) {
                    X509Certificate ca = certificate(caPem, b.der);
                    warnIfExpired(caPem, ca);
                    ks.setCertificateEntry("ca-" + n++, ca);
                }
            }
            if (n == 0) {
                throw bad(caPem, "no \"BEGIN CERTIFICATE\" block in the client CA file");
            }
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                    javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw bad(caPem, "cannot build trust managers: " + e.getMessage());
        }
    }

    private SSLContext sslContext(javax.net.ssl.TrustManager[] trust) {
        try {
            char[] pw = "in-memory".toCharArray(); // the store never leaves this method
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, pw, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), trust, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("TLS: cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    /** Just enough DER to rewrap keys: read a TLV, list a constructed one's children, write one. */
    static final class Der {

        private Der() {
        }

        record Tlv(int tag, byte[] content, byte[] encoded) {
        }

        static Tlv read(byte[] b, int offset) {
            if (offset + 2 > b.length) {
                throw new IllegalStateException("truncated DER");
            }
            int tag = b[offset] & 0xff;
            int len = b[offset + 1] & 0xff;
            int header = 2;
            if (len >= 0x80) {
                int n = len & 0x7f;
                if (n == 0 || n > 3 || offset + 2 + n > b.length) {
                    throw new IllegalStateException("bad DER length");
                }
                len = 0;
                for (int i = 0; i < n; i++) {
                    len = len << 8 | (b[offset + 2 + i] & 0xff);
                }
                header += n;
            }
            if (offset + header + len > b.length) {
                throw new IllegalStateException("truncated DER");
            }
            byte[] content = java.util.Arrays.copyOfRange(b, offset + header, offset + header + len);
            byte[] encoded = java.util.Arrays.copyOfRange(b, offset, offset + header + len);
            return new Tlv(tag, content, encoded);
        }

        static List<Tlv> children(Tlv constructed) {
            List<Tlv> out = new ArrayList<>();
            byte[] c = constructed.content();
            for (int at = 0; at < c.length; ) {
                Tlv t = read(c, at);
                out.add(t);
                at += t.encoded().length;
            }
            return out;
        }

        static byte[] tlv(int tag, byte[]... parts) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (byte[] p : parts) {
                body.writeBytes(p);
            }
            int len = body.size();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(tag);
            if (len < 0x80) {
                out.write(len);
            } else if (len < 0x100) {
                out.write(0x81);
                out.write(len);
            } else if (len < 0x10000) {
                out.write(0x82);
                out.write(len >> 8);
                out.write(len);
            } else {
                out.write(0x83);
                out.write(len >> 16);
                out.write(len >> 8);
                out.write(len);
            }
            out.writeBytes(body.toByteArray());
            return out.toByteArray();
        }
    }
}

package org.nioftpd.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's certificates, as a key manager that can change them at run
 * time and that picks one by the host name a client asks for (SNI, RFC 6066 3).
 *
 * <p><b>Sources.</b> One default pair (PEM or PKCS#12) and any number of
 * pairs for host names ({@code ftp.example.org}, or {@code *.example.org} for
 * one label). A client that sends SNI gets the first pair naming that host,
 * else the default; one that sends none gets the default. Within the pairs
 * that fit, the key type must be one the handshake can use (an RSA and an EC
 * pair for the same name both work).
 *
 * <p><b>Reload</b> ({@link #reload}, on SIGHUP and when a file changes, see
 * {@link #changed}): every file is read again and checked as at start (PEM
 * syntax, key matches certificate), and a certificate that is not valid now
 * (expired, or not yet) is refused too, since the old one is still serving.
 * Only if all of them pass does the new set replace the old, in one volatile
 * write: handshakes that begin after it get the new pairs; connections already
 * up, and sessions they resume, keep theirs. On a failure nothing changes.
 *
 * <p>Thread-safety: the key manager methods run on the loops and the worker
 * pool during handshakes; {@link #reload} on whatever thread asks (the reload
 * timer, a signal). The state is one immutable generation behind a volatile.
 */
public final class ServerKeys extends X509ExtendedKeyManager {

    private static final System.Logger LOG = System.getLogger(ServerKeys.class.getName());

    /** Where one pair comes from: files read again on reload. */
    public record Source(List<String> hostNames, Supplier<KeyMaterial> reader, List<Path> files, String label,
                         int listener) {

        public Source {
            hostNames = hostNames.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
            Objects.requireNonNull(reader);
            files = List.copyOf(files);
        }

        /** A PEM certificate chain and key; {@code hostNames} empty for the default. */
        public static Source pem(Path cert, Path key, List<String> hostNames) {
            return new Source(hostNames, () -> KeyMaterial.fromPem(cert, key), List.of(cert, key), cert.toString(), -1);
        }

        /** A PKCS#12 keystore; {@code hostNames} empty for the default. */
        public static Source pkcs12(Path file, char[] password, List<String> hostNames) {
            char[] pw = password.clone();
            return new Source(hostNames, () -> KeyMaterial.fromPkcs12(file, pw), List.of(file), file.toString(), -1);
        }

        /** A PEM pair that is the default of implicit-TLS listener number {@code listener} (0 for the first). */
        public static Source pemForListener(Path cert, Path key, int listener) {
            return new Source(List.of(), () -> KeyMaterial.fromPem(cert, key), List.of(cert, key), cert.toString(),
                    listener);
        }
    }

    /** One loaded pair: the host names it serves (empty: default), the listener it is the default of (-1: none). */
    private record Entry(List<String> hostNames, KeyMaterial material, String label, int listener) {

        boolean isDefault() {
            return hostNames.isEmpty() && listener < 0;
        }
    }

    /** One set of pairs, as loaded together; aliases name the generation, so a swap mid-handshake finds the pair chosen. */
    private record Generation(long number, List<Entry> entries, String fingerprint) {
    }

    private final List<Source> sources;
    private volatile Generation current;
    /** The generation before current: a handshake that chose an alias just before a swap still finds its key. */
    private volatile Generation previous;
    /** The fingerprint of the files at the last attempt, failed or not: a poll retries only after they change again. */
    private volatile String lastAttempt;

    /**
     * Loads every source now; throws {@link IllegalArgumentException} (one line,
     * naming the file) if any fails, so that a server does not start on a bad key.
     * The first source without host names is the default; with none, the first.
     */
    public ServerKeys(List<Source> sources) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("TLS: no certificate");
        }
        this.sources = List.copyOf(sources);
        String fp = fingerprint();
        this.current = load(1, fp, false);
        this.lastAttempt = fp;
    }

    /** The default pair's chain, then each host pair's, as now served: for logs and --check-config. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Entry e : current.entries) {
            X509Certificate leaf = e.material.chain()[0];
            out.add((e.listener >= 0 ? "implicit listener " + (e.listener + 1)
                    : e.hostNames.isEmpty() ? "default" : String.join(",", e.hostNames)) + ": " + e.label + " ("
                    + leaf.getSubjectX500Principal().getName() + ", " + leaf.getPublicKey().getAlgorithm()
                    + ", valid until " + leaf.getNotAfter().toInstant() + ")");
        }
        return out;
    }

    /** The leaf certificate now served to a client without SNI. */
    public X509Certificate defaultCertificate() {
        return current.entries.get(0).material.chain()[0];
    }

    /** Whether a file's modification time, size or content differs from the last load or attempt. Blocking (reads the files). */
    public boolean changed() {
        return !fingerprint().equals(lastAttempt);
    }

    /**
     * Reads every source again and, if all pass, serves the new pairs from the
     * next handshake on. Blocking: file I/O and key checks; never on a loop.
     *
     * @return a one-line description of what is served now
     * @throws IllegalArgumentException why the new files were refused; the old pairs stay
     */
    public synchronized String reload() {
        String fp = fingerprint();
        lastAttempt = fp;
        Generation next;
        try {
            next = load(current.number + 1, fp, true);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "TLS reload refused, the previous certificates stay in use: "
                    + e.getMessage());
            throw e;
        }
        previous = current;
        current = next;
        String served = String.join("; ", describe());
        LOG.log(System.Logger.Level.INFO, "TLS certificates reloaded: " + served);
        return served;
    }

    /** Reloads only if a file changed since the last attempt (the poll); false if nothing changed or the reload was refused. */
    public boolean reloadIfChanged() {
        if (!changed()) {
            return false;
        }
        try {
            reload();
            return true;
        } catch (IllegalArgumentException e) {
            return false; // logged by reload
        }
    }

    private Generation load(long number, String fingerprint, boolean refuseInvalidNow) {
        List<Entry> defaults = new ArrayList<>();
        List<Entry> named = new ArrayList<>();
        for (Source s : sources) {
            KeyMaterial m = s.reader.get();
            if (refuseInvalidNow) {
                try {
                    m.chain()[0].checkValidity();
                } catch (CertificateException e) {
                    throw new IllegalArgumentException("TLS: " + s.label + ": certificate not valid now: " + e.getMessage());
                }
            }
            (s.hostNames.isEmpty() && s.listener < 0 ? defaults : named).add(new Entry(s.hostNames, m, s.label, s.listener));
        }
        List<Entry> all = new ArrayList<>(defaults);
        if (all.isEmpty()) { // the first pair serves clients without SNI
            all.add(new Entry(List.of(), named.get(0).material, named.get(0).label, -1));
        }
        all.addAll(named);
        return new Generation(number, List.copyOf(all), fingerprint);
    }

    /** mtime, size and SHA-256 of every file, in order; a file that cannot be read counts as its error. */
    private String fingerprint() {
        StringBuilder sb = new StringBuilder();
        for (Source s : sources) {
            for (Path f : s.files) {
                try {
                    byte[] content = Files.readAllBytes(f);
                    sb.append(f).append(' ').append(Files.getLastModifiedTime(f).toMillis()).append(' ')
                            .append(content.length).append(' ')
                            .append(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
                } catch (IOException | NoSuchAlgorithmException e) {
                    sb.append(f).append(" error ").append(e);
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** A TLS context whose server key manager is this one (no client certificates asked). */
    public javax.net.ssl.SSLContext sslContext() {
        try {
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(new javax.net.ssl.KeyManager[] {this}, null, null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException("TLS: cannot build a TLS context: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------- key manager

    private static String alias(Generation g, int index) {
        return "g" + g.number + "." + index;
    }

    private Entry entry(String alias) {
        if (alias == null || !alias.startsWith("g")) {
            return null;
        }
        int dot = alias.indexOf('.');
        if (dot < 0) {
            return null;
        }
        long number;
        int index;
        try {
            number = Long.parseLong(alias.substring(1, dot));
            index = Integer.parseInt(alias.substring(dot + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        for (Generation g : new Generation[] {current, previous}) {
            if (g != null && g.number == number && index >= 0 && index < g.entries.size()) {
                return g.entries.get(index);
            }
        }
        return null;
    }

    /** Whether the key suits the handshake's key type ("RSA", "EC", "RSASSA-PSS", "EdDSA"; TLS 1.2 may say "EC_EC"). */
    private static boolean fits(Entry e, String keyType) {
        String want = keyType.contains("_") ? keyType.substring(0, keyType.indexOf('_')) : keyType;
        String have = e.material.key().getAlgorithm();
        return have.equalsIgnoreCase(want)
                || (want.equals("EdDSA") && (have.equals("Ed25519") || have.equals("Ed448")));
    }

    static boolean matches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    /** The host name the client asked for, lower case, or null. */
    private static String requestedHost(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession ext) {
            for (SNIServerName n : ext.getRequestedServerNames()) {
                if (n.getType() == StandardConstants.SNI_HOST_NAME) {
                    return ((SNIHostName) n).getAsciiName().toLowerCase(Locale.ROOT);
                }
            }
        }
        return null;
    }

    /**
     * What a handshake should prefer, by engine: the implicit listener it came
     * in on (an Integer), or the certificate of the control connection it is a
     * data connection of (an X509Certificate). Weak keys: an engine dropped
     * without a handshake leaves nothing behind.
     */
    private final java.util.Map<SSLEngine, Object> hints =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** The engine will serve implicit-TLS listener {@code listener}'s own certificate, if it has one. */
    void preferListener(SSLEngine engine, int listener) {
        hints.put(engine, listener);
    }

    /** The engine (a data connection's) will serve {@code leaf}, its control connection's certificate, while loaded. */
    void preferCertificate(SSLEngine engine, X509Certificate leaf) {
        hints.put(engine, leaf);
    }

    /** Whether there is more than one pair to choose from (else no engine needs a hint). */
    boolean hasChoices() {
        return current.entries.size() > 1;
    }

    /** Whether some pair is an implicit listener's own. */
    boolean hasListenerPairs() {
        return current.entries.stream().anyMatch(e -> e.listener >= 0);
    }

    private String choose(String keyType, SSLSession handshake, SSLEngine engine) {
        Generation g = current;
        Object hint = engine != null ? hints.get(engine) : null;
        if (hint instanceof X509Certificate leaf) { // a data connection: what its control connection has
            for (int i = 0; i < g.entries.size(); i++) {
                Entry e = g.entries.get(i);
                if (fits(e, keyType) && e.material.chain()[0].equals(leaf)) {
                    return alias(g, i);
                }
            }
        }
        String host = requestedHost(handshake);
        if (host != null) {
            for (int i = 0; i < g.entries.size(); i++) {
                Entry e = g.entries.get(i);
                if (fits(e, keyType) && e.hostNames.stream().anyMatch(p -> matches(p, host))) {
                    return alias(g, i);
                }
            }
        }
        if (hint instanceof Integer listener) {
            for (int i = 0; i < g.entries.size(); i++) {
                Entry e = g.entries.get(i);
                if (e.listener == listener && fits(e, keyType)) {
                    return alias(g, i);
                }
            }
        }
        for (int i = 0; i < g.entries.size(); i++) {
            Entry e = g.entries.get(i);
            if (e.isDefault() && fits(e, keyType)) {
                return alias(g, i);
            }
        }
        // no default of this key type: any pair of the type, so that a client limited to it still connects
        for (int i = 0; i < g.entries.size(); i++) {
            if (fits(g.entries.get(i), keyType)) {
                return alias(g, i);
            }
        }
        return null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine != null ? engine.getHandshakeSession() : null, engine);
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        SSLSession s = socket instanceof javax.net.ssl.SSLSocket ssl ? ssl.getHandshakeSession() : null;
        return choose(keyType, s, null);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        Generation g = current;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < g.entries.size(); i++) {
            if (fits(g.entries.get(i), keyType)) {
                out.add(alias(g, i));
            }
        }
        return out.isEmpty() ? null : out.toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Entry e = entry(alias);
        return e == null ? null : e.material.chain();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Entry e = entry(alias);
        return e == null ? null : e.material.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null; // a server's key manager
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return null;
    }
}

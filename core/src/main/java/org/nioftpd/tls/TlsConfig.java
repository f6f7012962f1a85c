package org.nioftpd.tls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * What TLS a server offers (RFC 4217): its context (key and certificate) and
 * its policy. Immutable once built, shared by every loop.
 *
 * @see KeyMaterial for where the context comes from
 */
public final class TlsConfig {

    /** TLS 1.2 and 1.3 only: older versions are broken (RFC 8996). */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /**
     * Mozilla's "intermediate" suites (server-side TLS guidelines, v5): every
     * TLS 1.3 suite; for TLS 1.2 only ECDHE key exchange (forward secrecy) with
     * AES-GCM or ChaCha20-Poly1305 (AEAD). No CBC (Lucky 13, padding oracles),
     * no RSA key exchange (no forward secrecy, ROBOT). The order is the server's
     * preference.
     */
    public static final List<String> DEFAULT_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** Mozilla "intermediate" groups: X25519, P-256, P-384 (JDK names). */
    public static final List<String> DEFAULT_NAMED_GROUPS = List.of("x25519", "secp256r1", "secp384r1");

    /**
     * The protocol settings beyond the key. Lists null mean the defaults above
     * (for named groups on Java 17: the JDK's, see {@link #namedGroupsApplied}).
     *
     * @param protocols          "TLSv1.3" and/or "TLSv1.2", null: both
     * @param cipherSuites       JDK (IANA) suite names, in preference order, null: {@link #DEFAULT_CIPHER_SUITES}
     * @param namedGroups        key exchange groups, in preference order, null: {@link #DEFAULT_NAMED_GROUPS} where settable
     * @param strictUploadEof    an upload's data connection must end with close_notify, else 426 (see {@link TlsEndPoint#forData})
     */
    public record Settings(List<String> protocols, List<String> cipherSuites, List<String> namedGroups,
                           boolean strictUploadEof) {

        public static final Settings DEFAULTS = new Settings(null, null, null, false);

        public Settings {
            protocols = protocols == null ? null : List.copyOf(protocols);
            cipherSuites = cipherSuites == null ? null : List.copyOf(cipherSuites);
            namedGroups = namedGroups == null ? null : List.copyOf(namedGroups);
        }
    }

    private final SSLContext context;
    private final ServerKeys keys;
    private final String[] protocols;
    private final String[] cipherSuites;
    private final String[] namedGroups;
    private final boolean namedGroupsPerEngine;
    private final boolean required;
    private final boolean requireSessionReuse;
    private final Settings settings;

    /**
     * @param required            no login without AUTH TLS, no data connection without PROT P
     * @param requireSessionReuse a PROT P data connection must resume the control connection's TLS session
     */
    public TlsConfig(SSLContext context, boolean required, boolean requireSessionReuse) {
        this(context, null, required, requireSessionReuse, Settings.DEFAULTS);
    }

    /**
     * @param keysOrNull the reloadable key manager behind {@code context}, or null for a context given whole
     * @throws IllegalArgumentException for a protocol, suite or group the JDK does not support, one line
     */
    public TlsConfig(SSLContext context, ServerKeys keysOrNull, boolean required, boolean requireSessionReuse,
                     Settings settings) {
        this.context = context;
        this.keys = keysOrNull;
        this.required = required;
        this.requireSessionReuse = requireSessionReuse;
        this.settings = settings;
        SSLParameters supported = context.getSupportedSSLParameters();
        this.protocols = protocols(settings.protocols(), Arrays.asList(supported.getProtocols()));
        this.cipherSuites = cipherSuites(settings.cipherSuites(), Arrays.asList(supported.getCipherSuites()), protocols);
        String[][] groups = namedGroups(settings.namedGroups(), context);
        this.namedGroups = groups[0];
        this.namedGroupsPerEngine = groups[1] != null;
    }

    private static String[] protocols(List<String> wanted, List<String> supported) {
        List<String> enabled = new ArrayList<>();
        for (String p : wanted == null ? PROTOCOLS : wanted) {
            String name = protocolName(p);
            if (!PROTOCOLS.contains(name)) {
                throw new IllegalArgumentException("TLS: protocol \"" + p + "\" refused: only TLSv1.3 and TLSv1.2 (RFC 8996)");
            }
            if (supported.contains(name) && !enabled.contains(name)) {
                enabled.add(name);
            }
        }
        if (enabled.isEmpty()) {
            throw new IllegalArgumentException("TLS: the context supports none of " + (wanted == null ? PROTOCOLS : wanted));
        }
        return enabled.toArray(String[]::new);
    }

    /** "1.3", "tls1.3", "TLSv1.3" all name TLSv1.3. */
    static String protocolName(String p) {
        String s = p.strip().toUpperCase(java.util.Locale.ROOT).replace("TLSV", "").replace("TLS", "");
        return switch (s) {
            case "1.3", "13" -> "TLSv1.3";
            case "1.2", "12" -> "TLSv1.2";
            default -> p.strip();
        };
    }

    private static String[] cipherSuites(List<String> wanted, List<String> supported, String[] protocols) {
        List<String> enabled = new ArrayList<>();
        for (String c : wanted == null ? DEFAULT_CIPHER_SUITES : wanted) {
            String name = c.strip();
            if (supported.contains(name)) {
                enabled.add(name);
            } else if (wanted != null) {
                throw new IllegalArgumentException("TLS: cipher suite \"" + name + "\" is not supported by this JDK"
                        + " (use IANA names, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)");
            }
        }
        for (String p : protocols) {
            boolean tls13 = p.equals("TLSv1.3");
            if (enabled.stream().noneMatch(c -> isTls13Suite(c) == tls13)) {
                throw new IllegalArgumentException("TLS: no cipher suite for " + p + " among " + enabled);
            }
        }
        return enabled.toArray(String[]::new);
    }

    /** TLS 1.3 suites name no key exchange: TLS_AES_..., TLS_CHACHA20_... */
    static boolean isTls13Suite(String suite) {
        return !suite.contains("_WITH_");
    }

    /**
     * {groups, non-null if set per engine}. Java 20+ has
     * SSLParameters.setNamedGroups (called reflectively: we compile for 17);
     * on 17 the only way is the system property jdk.tls.namedGroups, read by
     * the JDK once, at its first TLS handshake: set here if it is not set
     * already, so it works when the server is built before any TLS is used
     * (the daemon); null groups leave 17 on the JDK's defaults.
     */
    private static String[][] namedGroups(List<String> wanted, SSLContext context) {
        java.lang.reflect.Method getter = namedGroupsMethod("getNamedGroups");
        if (getter != null) {
            List<String> supported;
            try {
                supported = Arrays.asList((String[]) getter.invoke(context.getSupportedSSLParameters()));
            } catch (ReflectiveOperationException e) {
                supported = List.of();
            }
            List<String> enabled = new ArrayList<>();
            for (String g : wanted == null ? DEFAULT_NAMED_GROUPS : wanted) {
                String name = g.strip();
                if (supported.isEmpty() || supported.contains(name)) {
                    enabled.add(name);
                } else if (wanted != null) {
                    throw new IllegalArgumentException("TLS: named group \"" + name + "\" is not supported by this JDK; it has "
                            + supported);
                }
            }
            if (wanted == null) {
                for (String g : supported) { // keep the JDK's hybrid post-quantum groups (X25519MLKEM768...) first
                    if (g.toUpperCase(java.util.Locale.ROOT).contains("MLKEM") && defaultGroups(context).contains(g)) {
                        enabled.add(0, g);
                    }
                }
            }
            String[] out = enabled.toArray(String[]::new);
            return new String[][] {out, out};
        }
        if (wanted == null) {
            return new String[][] {null, null};
        }
        String joined = String.join(",", wanted.stream().map(String::strip).toList());
        String before = System.getProperty("jdk.tls.namedGroups");
        if (before == null) {
            System.setProperty("jdk.tls.namedGroups", joined);
        } else if (!before.equals(joined)) {
            throw new IllegalArgumentException("TLS: named groups " + joined + " conflict with -Djdk.tls.namedGroups="
                    + before + " (on Java 17 the groups are one setting for the whole JVM)");
        }
        return new String[][] {wanted.toArray(String[]::new), null};
    }

    private static List<String> defaultGroups(SSLContext context) {
        try {
            java.lang.reflect.Method getter = namedGroupsMethod("getNamedGroups");
            return getter == null ? List.of() : Arrays.asList((String[]) getter.invoke(context.getDefaultSSLParameters()));
        } catch (ReflectiveOperationException e) {
            return List.of();
        }
    }

    private static java.lang.reflect.Method namedGroupsMethod(String name) {
        try {
            return name.startsWith("set") ? SSLParameters.class.getMethod(name, String[].class)
                    : SSLParameters.class.getMethod(name);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** The implicit-TLS listeners as bound (port 0 resolved), in order: which one a connection came in on. */
    private volatile List<java.net.InetSocketAddress> implicitListeners = List.of();

    /** Tells which addresses the implicit-TLS listeners are bound to, in the order they were given (at start). */
    public void implicitListenersBound(List<java.net.InetSocketAddress> bound) {
        implicitListeners = List.copyOf(bound);
    }

    /**
     * An engine for a control connection accepted on {@code local}: an
     * implicit-TLS listener with a certificate of its own serves that one
     * (unless the client's SNI names another). Any thread.
     */
    public SSLEngine newEngine(java.net.InetSocketAddress local) {
        SSLEngine engine = newEngine();
        if (keys != null && local != null && keys.hasListenerPairs()) {
            List<java.net.InetSocketAddress> listeners = implicitListeners;
            for (int i = 0; i < listeners.size(); i++) {
                java.net.InetSocketAddress l = listeners.get(i);
                if (l.getPort() == local.getPort() && (l.getAddress().isAnyLocalAddress() || l.getAddress().equals(local.getAddress()))) {
                    keys.preferListener(engine, i);
                    break;
                }
            }
        }
        return engine;
    }

    /** An engine for a data connection: it serves the certificate its control connection got, while that is loaded. */
    public SSLEngine newDataEngine(SSLSession control) {
        SSLEngine engine = newEngine();
        if (keys != null && keys.hasChoices() && control != null && control.getLocalCertificates() != null
                && control.getLocalCertificates().length > 0
                && control.getLocalCertificates()[0] instanceof java.security.cert.X509Certificate leaf) {
            keys.preferCertificate(engine, leaf);
        }
        return engine;
    }

    /** A server-side engine: the configured protocols, suites (the server's order) and groups, no client certificate. Any thread. */
    public SSLEngine newEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(protocols);
        p.setCipherSuites(cipherSuites);
        p.setUseCipherSuitesOrder(true);
        p.setNeedClientAuth(false);
        p.setWantClientAuth(false);
        if (namedGroupsPerEngine) {
            try {
                namedGroupsMethod("setNamedGroups").invoke(p, (Object) namedGroups);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("TLS: cannot set the named groups", e);
            }
        }
        engine.setSSLParameters(p);
        return engine;
    }

    /**
     * TLS for a control connection: no TLS 1.3 session ticket unless data
     * connections must resume the control session (they need it for that).
     * See {@link TlsEndPoint#forControl(org.nioftpd.transport.EndPoint, SSLEngine,
     * java.util.concurrent.Executor, java.nio.ByteBuffer, boolean)} for why
     * (issue 16, wput).
     */
    public boolean controlSessionTicket() {
        return requireSessionReuse;
    }

    /** Whether an upload must end with close_notify (else 426), or may end with a FIN at a record boundary. */
    public boolean strictUploadEof() {
        return settings.strictUploadEof();
    }

    /** The reloadable certificates, or null when the TLS context was given whole (no reload). */
    public ServerKeys keys() {
        return keys;
    }

    /** What this server offers, for --check-config and the start log. */
    public List<String> describe() {
        List<String> out = new ArrayList<>();
        out.add("protocols: " + String.join(", ", protocols));
        out.add("cipher suites: " + String.join(", ", cipherSuites));
        out.add("named groups: " + (namedGroups == null ? "the JDK's defaults (Java 17: set with --tls-groups or -Djdk.tls.namedGroups)"
                : String.join(", ", namedGroups)));
        out.add("uploads without close_notify: " + (strictUploadEof() ? "refused (426)" : "accepted at a record boundary"));
        if (keys != null) {
            for (String k : keys.describe()) {
                out.add("certificate " + k);
            }
        }
        return out;
    }

    public boolean required() {
        return required;
    }

    public boolean requireSessionReuse() {
        return requireSessionReuse;
    }

    /**
     * Whether a data connection's session is the control connection's,
     * resumed: the check behind {@code tlsRequireSessionReuse} (vsftpd's
     * require_ssl_reuse). It proves that the data connection comes from the
     * client that holds the control connection, not from someone racing it to
     * the passive port.
     *
     * <p>The JDK has no "was this session resumed" call. A session resumed from
     * the server's session cache keeps its ID. One resumed from a stateless
     * ticket (the JDK's default since 13, TLS 1.2 and 1.3) gets a new ID but
     * keeps the creation time it had, which the ticket carries encrypted and
     * authenticated by the server, so a client cannot forge it; a full handshake
     * creates its session now. So: same ID, or same creation time and that time
     * earlier than {@code dataStartMillis}, when the data connection's TLS began
     * (a fresh session is created after it; the control session was created
     * before the client could even ask for a data connection).
     */
    public static boolean resumes(SSLSession data, SSLSession control, long dataStartMillis) {
        if (data == null || control == null || !data.getProtocol().equals(control.getProtocol())) {
            return false;
        }
        byte[] id = control.getId();
        if (id != null && id.length > 0 && Arrays.equals(id, data.getId())) {
            return true;
        }
        return data.getCreationTime() == control.getCreationTime() && control.getCreationTime() < dataStartMillis;
    }
}

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

    private final SSLContext context;
    private final String[] protocols;
    private final boolean required;
    private final boolean requireSessionReuse;
    /** Client certificates asked on control connections (RFC 4217 section 7). */
    private ClientAuth clientAuth = ClientAuth.NONE;

    /** Whether a control connection's handshake asks the client for a certificate. */
    public enum ClientAuth {
        /** Not asked. */
        NONE,
        /** Asked; a client without one still connects (and logs in by password). */
        WANT,
        /** Required: a client without a certificate fails the handshake. */
        NEED
    }

    /**
     * @param required            no login without AUTH TLS, no data connection without PROT P
     * @param requireSessionReuse a PROT P data connection must resume the control connection's TLS session
     */
    public TlsConfig(SSLContext context, boolean required, boolean requireSessionReuse) {
        this.context = context;
        this.required = required;
        this.requireSessionReuse = requireSessionReuse;
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        List<String> enabled = new ArrayList<>();
        for (String p : PROTOCOLS) {
            if (supported.contains(p)) {
                enabled.add(p);
            }
        }
        if (enabled.isEmpty()) {
            throw new IllegalArgumentException("TLS: the context supports neither TLS 1.3 nor TLS 1.2");
        }
        this.protocols = enabled.toArray(String[]::new);
    }

    /** A server-side engine: TLS 1.2/1.3, the server's cipher suite order, no client certificate. Any thread. */
    public SSLEngine newEngine() {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(protocols);
        p.setUseCipherSuitesOrder(true);
        p.setNeedClientAuth(false);
        p.setWantClientAuth(false);
        engine.setSSLParameters(p);
        return engine;
    }

    /**
     * Asks clients for a certificate on control connections; the context's
     * trust managers verify it (see {@link KeyMaterial#sslContext(java.nio.file.Path)}).
     * Data connections never ask: they resume the control connection's session
     * or come from its client's address, and the login already used the certificate.
     */
    public TlsConfig clientAuth(ClientAuth mode) {
        this.clientAuth = java.util.Objects.requireNonNull(mode);
        return this;
    }

    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** An engine for a control connection: {@link #newEngine}, asking for a client certificate as configured. */
    public SSLEngine newControlEngine() {
        SSLEngine engine = newEngine();
        if (clientAuth != ClientAuth.NONE) {
            SSLParameters p = engine.getSSLParameters();
            if (clientAuth == ClientAuth.NEED) {
                p.setNeedClientAuth(true);
            } else {
                p.setWantClientAuth(true);
            }
            engine.setSSLParameters(p);
        }
        return engine;
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

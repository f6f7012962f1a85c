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

    public boolean required() {
        return required;
    }

    public boolean requireSessionReuse() {
        return requireSessionReuse;
    }

    /**
     * Whether a data connection's session is the control connection's,
     * resumed (RFC 4217 section 10.2 leaves the check to the server; vsftpd's
     * require_ssl_reuse is the same idea: it proves the data connection comes
     * from the client that authenticated the control connection). A resumed
     * session has the same session ID.
     */
    public static boolean resumes(SSLSession data, SSLSession control) {
        if (data == null || control == null) {
            return false;
        }
        byte[] id = control.getId();
        return id != null && id.length > 0 && Arrays.equals(id, data.getId());
    }
}

package org.nioftpd.auth;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * Everything the server knows about a login attempt when it asks an
 * {@link Authenticator}.
 *
 * @param user         the name the client sent with USER
 * @param password     the PASS argument, or null when the server asks at USER
 *                     whether the client certificate alone logs this user in
 *                     (RFC 4217 reply 232)
 * @param certificates the client's certificate chain from FTPS client
 *                     authentication, leaf first, already verified against the
 *                     configured CA; empty when there is none
 * @param client       the client: the socket's peer, or the address a PROXY
 *                     protocol header named
 * @param local        the address of the listener the client reached
 * @param tls          whether the control connection is TLS
 */
public record LoginRequest(String user, String password, List<X509Certificate> certificates,
                           InetSocketAddress client, InetSocketAddress local, boolean tls) {

    public LoginRequest {
        Objects.requireNonNull(user, "user");
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
    }

    /** A password login without context, as the old two-argument call had. */
    public static LoginRequest of(String user, String password) {
        return new LoginRequest(user, password, List.of(), null, null, false);
    }

    /** The client certificate (the chain's first), or null. */
    public X509Certificate certificate() {
        return certificates.isEmpty() ? null : certificates.get(0);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "LoginRequest[user=" + user + ", password=" + (password == null ? "none" : "***")
                + ", certificate=" + (certificates.isEmpty() ? "none" : certificate().getSubjectX500Principal())
                + ", client=" + client + ", local=" + local + ", tls=" + tls + "]";
    }
}

/**
 * FTPS (RFC 4217): the TLS configuration and policy ({@code TlsConfig}: protocols, suites, groups), the key
 * material it is built from ({@code KeyMaterial}, JDK only), the key manager that serves it, reloads it and picks
 * a pair by SNI or listener ({@code ServerKeys}), and the codec ({@code TlsEndPoint}) that puts TLS under a
 * transport endpoint.
 */
package org.nioftpd.tls;

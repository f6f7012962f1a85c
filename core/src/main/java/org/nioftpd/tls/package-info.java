/**
 * FTPS (RFC 4217): the TLS configuration and policy ({@code TlsConfig}), the key material it is built from
 * ({@code KeyMaterial}, JDK only), and the codec ({@code TlsEndPoint}) that puts TLS under a transport endpoint.
 */
package org.nioftpd.tls;

/**
 * nioftpd core: an FTP server on a hand-written java.nio reactor.
 * Only the embedding API ({@code org.nioftpd}) and the authentication SPI
 * ({@code org.nioftpd.auth}) are exported; the rest is internal.
 */
module org.nioftpd.core {
    exports org.nioftpd;
    exports org.nioftpd.auth;
}

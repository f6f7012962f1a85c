/**
 * nioftpd core: an FTP server on a hand-written java.nio reactor.
 *
 * <p>Exported, and so the whole API an embedding program sees: the server and
 * its builder ({@code org.nioftpd}), the authentication SPI
 * ({@code org.nioftpd.auth}), the events a server reports
 * ({@code org.nioftpd.event}) and the extension API: command hooks and added
 * commands ({@code org.nioftpd.extension}). Everything else (the reactor, the transports,
 * the TLS codec, the protocol engine) is internal and may change at any time.
 * Compiled as a module, so a public signature that leaks an internal type is a
 * compiler warning, and {@code -Werror} makes it a failed build.
 */
module org.nioftpd.core {
    // Flight-recorder events (connections, commands, transfers, slow loop turns): part of the JDK.
    requires jdk.jfr;

    exports org.nioftpd;
    exports org.nioftpd.auth;
    exports org.nioftpd.event;
    exports org.nioftpd.extension;
}

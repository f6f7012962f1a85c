package org.nioftpd.command;

import java.util.Locale;
import org.nioftpd.session.Session;
import org.nioftpd.tls.TlsConfig;

/**
 * FTPS, explicit: AUTH, PBSZ, PROT, CCC (RFC 2228 security extensions as
 * RFC 4217 profiles them for TLS). In the command table only when the server
 * has a certificate, so FEAT never offers what cannot be had.
 */
final class SecurityCommands {

    private SecurityCommands() {
    }

    /**
     * RFC 4217: AUTH TLS, 234, then the TLS handshake on the same
     * connection. AUTH SSL (and the old TLS-C, TLS-P) are accepted as legacy
     * clients send them; SSL and TLS-P also imply PROT P, as they did for the
     * servers those clients were written for. A second AUTH inside TLS, or AUTH
     * after login, is out of sequence (503): the login must happen inside TLS.
     */
    static void auth(Session s, String arg) {
        TlsConfig tls = s.tls();
        if (tls == null) {
            s.reply(502, "TLS is not configured on this server.");
            return;
        }
        if (s.controlSecure()) {
            s.reply(503, "Already using TLS.");
            return;
        }
        if (s.loggedIn()) {
            s.reply(503, "AUTH must come before login.");
            return;
        }
        String mechanism = arg.trim().toUpperCase(Locale.ROOT);
        switch (mechanism) {
            case "TLS", "TLS-C" -> {
                s.reply(234, "AUTH " + mechanism + " successful, proceed with the TLS handshake.");
                s.startTls(false);
            }
            case "SSL", "TLS-P" -> {
                s.reply(234, "AUTH " + mechanism + " successful, proceed with the TLS handshake.");
                s.startTls(true);
            }
            // RFC 2228: a mechanism the server does not know is 504.
            default -> s.reply(504, "AUTH mechanism not supported; use AUTH TLS.");
        }
    }

    /**
     * RFC 4217: PBSZ 0 after AUTH. TLS has no buffer to size, so
     * whatever the number, the reply is "PBSZ=0" (RFC 2228 allows the server to
     * answer with the size it will use).
     */
    static void pbsz(Session s, String arg) {
        if (!s.controlSecure()) {
            s.reply(503, "PBSZ needs a TLS control connection: send AUTH TLS first.");
            return;
        }
        String a = arg.trim();
        if (a.isEmpty() || a.length() > 10 || !a.chars().allMatch(c -> c >= '0' && c <= '9')
                || Long.parseLong(a) > 0xffff_ffffL) {
            s.reply(501, "PBSZ takes a decimal number from 0 to 4294967295.");
            return;
        }
        s.pbsz(true);
        s.reply(200, "PBSZ=0");
    }

    /**
     * RFC 4217: PROT C (clear) or P (private, TLS on every data
     * connection); S and E have no meaning with TLS (536). With TLS required,
     * PROT C is refused for policy (534, RFC 2228).
     */
    static void prot(Session s, String arg) {
        if (!s.controlSecure()) {
            s.reply(503, "PROT needs a TLS control connection: send AUTH TLS first.");
            return;
        }
        if (!s.pbsz()) {
            s.reply(503, "PROT needs PBSZ first.");
            return;
        }
        switch (arg.trim().toUpperCase(Locale.ROOT)) {
            case "P" -> {
                s.protP(true);
                s.reply(200, "Protection level set to Private.");
            }
            case "C" -> {
                if (s.tls().required()) {
                    s.reply(534, "Data connections must be encrypted here: PROT C refused.");
                    return;
                }
                s.protP(false);
                s.reply(200, "Protection level set to Clear.");
            }
            case "S", "E" -> s.reply(536, "PROT " + arg.trim().toUpperCase(Locale.ROOT)
                    + " is not supported with TLS; use PROT P or PROT C.");
            default -> s.reply(504, "Unknown protection level; use PROT P or PROT C.");
        }
    }

    /**
     * RFC 4217: CCC, back to a plaintext control connection.
     * Refused, deliberately: after it a man in the middle can inject commands
     * again (the reason TLS was asked for), and the one use it has (NAT
     * helpers reading PORT/PASV) does not outweigh that; vsftpd and most
     * servers refuse it by default too. 534: request denied for policy reasons.
     */
    static void ccc(Session s, String arg) {
        if (!s.controlSecure()) {
            s.reply(533, "CCC needs a TLS control connection.");
            return;
        }
        s.reply(534, "CCC refused: the control connection stays encrypted.");
    }
}

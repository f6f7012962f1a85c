package org.nioftpd.data;

import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;

/**
 * How one transfer ended, as the data side saw it: a kind and, for failures,
 * what happened in words. The data side never picks a reply code; the
 * protocol interpreter alone turns an outcome into one (RFC 959 §2.3: the DTP
 * reports to the PI, the PI speaks to the user).
 *
 * @param kind   what kind of end
 * @param detail the reason, without the real path of any file; "" when complete
 */
public record Outcome(Kind kind, String detail) {

    /** The kinds of end a transfer can have. */
    public enum Kind {
        /** Every byte moved and the data connection closed cleanly. */
        COMPLETE,
        /** No data connection came, or none could be made (timed out, refused, unreachable). */
        NO_CONNECTION,
        /** The data connection's TLS failed or was refused by policy (no session reuse). */
        TLS_FAILED,
        /** The data connection broke, stalled or was cut before the end. */
        CONNECTION_LOST,
        /** The file side failed: read, write or commit. */
        LOCAL_ERROR,
        /** The disk is full. */
        NO_SPACE,
        /** A quota (the file system's, or the server's) is exceeded. */
        OVER_QUOTA
    }

    public static final Outcome COMPLETE = new Outcome(Kind.COMPLETE, "");

    public static Outcome of(Kind kind, String detail) {
        return new Outcome(kind, detail);
    }

    /** The outcome of a transfer that ended with {@code failure} (null: complete). */
    public static Outcome of(IOException failure) {
        if (failure == null) {
            return COMPLETE;
        }
        if (failure instanceof LocalFileException local) {
            Kind kind = local.isOverQuota() ? Kind.OVER_QUOTA : local.isNoSpace() ? Kind.NO_SPACE : Kind.LOCAL_ERROR;
            return new Outcome(kind, local.getMessage());
        }
        if (failure instanceof SSLHandshakeException) {
            return new Outcome(Kind.TLS_FAILED, failure.getMessage());
        }
        return new Outcome(Kind.CONNECTION_LOST, failure.getMessage());
    }

    public boolean complete() {
        return kind == Kind.COMPLETE;
    }
}

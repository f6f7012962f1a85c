package org.nioftpd.session;

/**
 * Limits against hostile load that are not per session: what a MODE Z upload
 * may expand to. Built by {@code FtpServer.Builder}; immutable.
 *
 * @param maxInflateRatio  MODE Z uploads are refused (552) once they have written more
 *                         than {@code inflateAllowance} bytes and more than this many times
 *                         the compressed bytes received; 0: no limit
 * @param inflateAllowance bytes of a MODE Z upload written whatever its ratio
 */
public record Guards(long maxInflateRatio, long inflateAllowance) {

    /** The defaults: 100:1 beyond the first 64 MiB. */
    public static final Guards DEFAULTS = new Guards(100, 64L << 20);
}

package org.nioftpd.session;

/**
 * Limits against hostile load that are not per session: what a MODE Z upload
 * may expand to. Built by {@code FtpServer.Builder}; immutable.
 *
 * @param maxInflateRatio  MODE Z uploads are refused (552) once they have written more
 *                         than {@code inflateAllowance} bytes and more than this many times
 *                         the compressed bytes received; 0: no limit
 * @param inflateAllowance bytes of a MODE Z upload written whatever its ratio
 * @param maxPathDepth     most components of a path below a user's root; deeper is 550
 */
public record Guards(long maxInflateRatio, long inflateAllowance, int maxPathDepth) {

    /** The defaults: MODE Z 100:1 beyond the first 64 MiB; paths 128 levels deep. */
    public static final Guards DEFAULTS = new Guards(100, 64L << 20, 128);

    public Guards withInflateLimit(long ratio, long allowance) {
        return new Guards(ratio, allowance, maxPathDepth);
    }

    public Guards withMaxPathDepth(int depth) {
        return new Guards(maxInflateRatio, inflateAllowance, depth);
    }
}

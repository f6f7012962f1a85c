package org.nioftpd.session;

import org.nioftpd.fs.TemporaryFiles;

/**
 * Limits against hostile load that are not per session: what a MODE Z upload
 * may expand to. Built by {@code FtpServer.Builder}; immutable.
 *
 * @param maxInflateRatio  MODE Z uploads are refused (552) once they have written more
 *                         than {@code inflateAllowance} bytes and more than this many times
 *                         the compressed bytes received; 0: no limit
 * @param inflateAllowance bytes of a MODE Z upload written whatever its ratio
 * @param maxPathDepth     most components of a path below a user's root; deeper is 550
 * @param temporaries      removes stale upload temporaries from directories written to; one per server
 */
public record Guards(long maxInflateRatio, long inflateAllowance, int maxPathDepth,
                     TemporaryFiles.Sweeper temporaries) {

    /** The defaults: MODE Z 100:1 beyond the first 64 MiB; paths 128 levels deep. */
    public static final Guards DEFAULTS = new Guards(100, 64L << 20, 128, new TemporaryFiles.Sweeper());

    public Guards withInflateLimit(long ratio, long allowance) {
        return new Guards(ratio, allowance, maxPathDepth, temporaries);
    }

    public Guards withMaxPathDepth(int depth) {
        return new Guards(maxInflateRatio, inflateAllowance, depth, temporaries);
    }

    /** The same limits with a sweeper of its own, for one server: what it swept is its own run's. */
    public Guards forServer() {
        return new Guards(maxInflateRatio, inflateAllowance, maxPathDepth, new TemporaryFiles.Sweeper());
    }
}

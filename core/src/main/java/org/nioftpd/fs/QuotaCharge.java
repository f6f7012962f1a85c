package org.nioftpd.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * One upload's account with its quota root: every chunk is counted before it
 * is written ({@link #beforeWrite}), so usage never passes the limit, not even
 * for a moment, however many sessions of the user upload at once. Made on the
 * loop by the command, used by the transfer on the same loop.
 *
 * <p>A new file written to a temporary: a refused or failed upload gives back
 * what it counted (the temporary is removed); a completed one gives back the
 * size of the file it replaced. A file written in place (APPE, REST + STOR):
 * what arrived stays counted, so that the client can resume, unless the quota
 * stopped it: then the file is cut back to where this upload started.
 */
public final class QuotaCharge {

    private final QuotaUsage usage;
    private final long maxFileSize;
    private final long start;
    private final long replaced;
    private final boolean newFile;
    private final boolean inPlace;
    private long written;
    private boolean exceeded;
    private boolean settled;

    private QuotaCharge(QuotaUsage usage, long maxFileSize, long start, long replaced, boolean newFile,
                        boolean inPlace) {
        this.usage = usage;
        this.maxFileSize = maxFileSize;
        this.start = start;
        this.replaced = replaced;
        this.newFile = newFile;
        this.inPlace = inPlace;
    }

    /**
     * Opens the account of an upload, before its file is created: refused
     * (an {@link QuotaExceededException}) when the file count is full.
     *
     * @param usage       the quota root's usage; null for none (nothing to count)
     * @param existing    the size of the file there now, or -1 if there is none
     * @param start       where the writing starts (the REST offset, the end for APPE, 0 for a new file)
     * @param inPlace     written into the file itself (APPE, REST + STOR), not a temporary
     * @return null when no quota applies
     */
    public static QuotaCharge open(QuotaUsage usage, long existing, long start, boolean inPlace)
            throws QuotaExceededException {
        if (usage == null) {
            return null;
        }
        boolean newFile = existing < 0;
        long max = usage.limits().maxFileSize();
        if (max > 0 && start > max) {
            throw new QuotaExceededException("file larger than the " + max + "-byte limit per file");
        }
        if (newFile && !usage.tryAddFile()) {
            throw new QuotaExceededException("file limit of " + usage.limits().maxFiles() + " reached under "
                    + usage.root());
        }
        if (inPlace && existing > start) {
            usage.addBytes(start - existing); // REST + STOR cuts the file at the offset
        }
        return new QuotaCharge(usage, max, start, inPlace ? 0 : Math.max(existing, 0), newFile, inPlace);
    }

    /** Counts {@code n} bytes about to be written; throws, counting nothing, when they do not fit. */
    public void beforeWrite(long n) throws QuotaExceededException {
        if (maxFileSize > 0 && start + written + n > maxFileSize) {
            exceeded = true;
            throw new QuotaExceededException("file larger than the " + maxFileSize + "-byte limit per file");
        }
        if (!usage.tryAddBytes(n)) {
            exceeded = true;
            throw new QuotaExceededException("quota of " + usage.limits().maxBytes() + " bytes under "
                    + usage.root() + " reached");
        }
        written += n;
    }

    /** The upload is in place: the file it replaced (if any) is gone. */
    public void committed() {
        if (!settled) {
            settled = true;
            usage.addBytes(-replaced);
        }
    }

    /**
     * The upload did not complete; {@code file} is still open. A temporary
     * (removed by the caller) gives back all it counted; a file written in
     * place keeps what arrived unless the quota stopped it, when it is cut
     * back to where the upload started.
     */
    public void abandoned(FileChannel file) {
        if (settled) {
            return;
        }
        settled = true;
        if (!inPlace) {
            usage.addBytes(-written);
            if (newFile) {
                usage.addFiles(-1);
            }
            return;
        }
        if (exceeded) {
            try {
                file.truncate(start);
                usage.addBytes(-written); // an APPE that made the file leaves it empty, and counted as a file
            } catch (IOException e) {
                // the bytes stay on disk and counted: the next scan agrees
            }
        }
    }

    /** The quota stopped the upload: 552. */
    public static final class QuotaExceededException extends IOException {
        private static final long serialVersionUID = 1L;

        public QuotaExceededException(String reason) {
            super(reason);
        }
    }
}

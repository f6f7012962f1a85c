package org.nioftpd.session;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.nioftpd.data.LocalFileException;
import org.nioftpd.data.Outcome;

/**
 * The one map from what went wrong to what the client is told: a command's
 * failure (an exception from its handler) and a transfer's {@link Outcome}.
 * Nothing else in the engine picks a failure's reply code. Texts name
 * virtual paths and reasons, never a real path.
 */
final class FailureReplies {

    /**
     * A reply code and its text.
     *
     * @param unexpected true when it is worth an error event: the server failed, not the client's request
     */
    record Answer(int code, String text, boolean unexpected) {
    }

    private FailureReplies() {
    }

    /** What a command that failed with {@code e} answers. */
    static Answer of(Exception e) {
        if (e instanceof org.nioftpd.fs.QuotaCharge.QuotaExceededException) {
            return new Answer(552, "Exceeded storage allocation: " + e.getMessage() + ".", false);
        }
        if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
            return new Answer(550, "No such file or directory.", false);
        }
        if (e instanceof AccessDeniedException ade && ade.getReason() != null && ade.getReason().endsWith("mount point")) {
            // the reason names the virtual path the client sent, never a real one
            return new Answer(550, ade.getReason() + ": it cannot be deleted, removed or renamed.", false);
        }
        if (e instanceof AccessDeniedException) {
            return new Answer(550, "Permission denied.", false);
        }
        if (e instanceof FileAlreadyExistsException) {
            return new Answer(550, "File exists.", false);
        }
        if (e instanceof DirectoryNotEmptyException) {
            return new Answer(550, "Directory not empty.", false);
        }
        if (e instanceof InvalidPathException) {
            return new Answer(553, "Invalid file name.", false);
        }
        if (e instanceof FileSystemException fse) {
            return new Answer(550, "Failed: " + (fse.getReason() != null ? fse.getReason() : "file system error") + ".",
                    false);
        }
        if (e instanceof IOException io) {
            return new Answer(451, "Local error: " + LocalFileException.describe(io) + ".", true);
        }
        if (e instanceof java.nio.file.ReadOnlyFileSystemException) {
            return new Answer(550, "Permission denied: this store is read-only.", false);
        }
        if (e instanceof UnsupportedOperationException) {
            return new Answer(502, "Not supported by this file system.", true);
        }
        return new Answer(451, "Local error: internal error.", true);
    }

    /** What ends a transfer that ended as {@code outcome}. */
    static Answer of(Outcome outcome) {
        String detail = outcome.detail();
        return switch (outcome.kind()) {
            case COMPLETE -> new Answer(226, "Transfer complete.", false);
            case NO_CONNECTION -> new Answer(425, "Can't open data connection: " + detail, false);
            // RFC 4217: the data connection's TLS negotiation failed or was unacceptable
            // (here also: it did not resume the control connection's session when required).
            case TLS_FAILED -> new Answer(522, "Data connection refused: " + detail, false);
            case CONNECTION_LOST -> new Answer(426, "Connection closed; transfer aborted: " + detail, false);
            case LOCAL_ERROR -> new Answer(451, "Local error: " + detail, true);
            case NO_SPACE -> new Answer(452, "Insufficient storage space: " + detail, false);
            case OVER_QUOTA -> new Answer(552, "Exceeded storage allocation: " + detail, false);
        };
    }
}

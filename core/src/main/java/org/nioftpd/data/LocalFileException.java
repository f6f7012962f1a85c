package org.nioftpd.data;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * A transfer failed on the server's side (the file), not on the network's:
 * the reply is 451 or 452, not 426.
 */
public final class LocalFileException extends IOException {

    private static final long serialVersionUID = 1L;

    /** A limit of the server's (not the disk's) was passed: 552, like a quota. */
    private final boolean overLimit;

    public LocalFileException(IOException cause) {
        super(describe(cause), cause);
        this.overLimit = false;
    }

    private LocalFileException(String reason) {
        super(reason, new IOException(reason));
        this.overLimit = true;
    }

    /**
     * The upload passed a storage limit the server sets (a MODE Z stream that
     * expands too much): 552 "Exceeded storage allocation", as over a quota.
     * {@code reason} is the reply's text: it must name no real path.
     */
    public static LocalFileException overLimit(String reason) {
        return new LocalFileException(reason);
    }

    /**
     * What a reply may say about {@code e}. A FileSystemException's message
     * names its files by their real paths ("/srv/ftp/.a.nioftpd-1f -> /srv/ftp/a:
     * Is a directory"), which a reply must never reveal: only its reason is
     * told. Other I/O errors ("No space left on device") name no file.
     * For every reply about a local failure (transfers, checksums).
     */
    public static String describe(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory"; // its reason is null, its message the path
        }
        if (e instanceof FileSystemException f) {
            return f.getReason() != null ? f.getReason() : "file system error";
        }
        return e.getMessage();
    }

    /** True when the disk is full (ENOSPC): 452 rather than 451. */
    public boolean isNoSpace() {
        return message().contains("no space") || message().contains("disk full");
    }

    /** True when a quota (EDQUOT) or a limit of the server's is exceeded: 552. */
    public boolean isOverQuota() {
        return overLimit || message().contains("quota");
    }

    private String message() {
        return String.valueOf(getCause().getMessage()).toLowerCase(java.util.Locale.ROOT);
    }
}

package org.nioftpd.data;

import java.io.IOException;

/**
 * A transfer failed on the server's side (the file), not on the network's:
 * the reply is 451 or 452, not 426.
 */
public final class LocalFileException extends IOException {

    private static final long serialVersionUID = 1L;

    public LocalFileException(IOException cause) {
        super(clientSafe(cause), cause);
    }

    /**
     * The message goes into the 451 reply, so it must not carry real paths: a
     * FileSystemException's message starts with them ("/srv/ftp/.x -> /srv/ftp/x:
     * Is a directory"); its reason alone ("Is a directory") does not.
     */
    private static String clientSafe(IOException cause) {
        if (cause instanceof java.nio.file.FileSystemException fse) {
            return fse.getReason() != null ? fse.getReason() : "file system error";
        }
        return cause.getMessage();
    }

    /** True when the disk is full (ENOSPC): 452 rather than 451. */
    public boolean isNoSpace() {
        return message().contains("no space") || message().contains("disk full");
    }

    /** True when a quota is exceeded (EDQUOT): 552. */
    public boolean isOverQuota() {
        return message().contains("quota");
    }

    private String message() {
        return String.valueOf(getCause().getMessage()).toLowerCase(java.util.Locale.ROOT);
    }
}

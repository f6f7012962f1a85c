package org.nioftpd.command;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.fs.ListFormat;
import org.nioftpd.fs.QuotaCharge;
import org.nioftpd.fs.QuotaUsage;
import org.nioftpd.protocol.Reply;
import org.nioftpd.session.Session;

/** Commands that change or ask about one file: DELE, MKD, RMD, RNFR, RNTO, SIZE, MDTM. */
final class FileCommands {

    private FileCommands() {
    }

    /** RFC 959 4.1.3. The entry itself is deleted: a link, not what it points to. */
    static void dele(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = s.fs().resolveEntry(arg);
        if (Files.isDirectory(r.real(), LinkOption.NOFOLLOW_LINKS)) {
            s.reply(550, "Is a directory; use RMD.");
            return;
        }
        if (s.fs().capabilities(r).objectStore() && !Files.exists(r.real(), LinkOption.NOFOLLOW_LINKS)) {
            // S3's delete of a missing key succeeds: the client must still hear that nothing was there
            throw new java.nio.file.NoSuchFileException(r.virtual());
        }
        long size = regularSize(r.real());
        Files.delete(r.real());
        QuotaUsage q = s.fs().quotaFor(r.virtual());
        if (q != null && size >= 0) {
            q.addBytes(-size);
            q.addFiles(-1);
        }
        s.reply(250, "File deleted.");
    }

    /** RFC 959 4.1.3; the 257 reply quotes the new directory's path. */
    static void mkd(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = s.fs().resolveForCreate(arg);
        Files.createDirectory(r.real());
        s.reply(257, Reply.quotePath(r.virtual()) + " created.");
    }

    static void rmd(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = s.fs().resolveEntry(arg);
        if (!Files.isDirectory(r.real(), LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(r.virtual());
        }
        Files.delete(r.real());
        s.reply(250, "Directory removed.");
    }

    /** RFC 959 4.1.3: 350, and the very next command must be RNTO. */
    static void rnfr(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = s.fs().resolveEntry(arg);
        if (!Files.exists(r.real(), LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(r.virtual());
        }
        s.renameFrom(r);
        s.reply(350, "Ready for RNTO.");
    }

    static void rnto(Session s, String arg) throws IOException {
        FileSystemView.Resolved from = s.renameFrom();
        if (from == null) {
            s.reply(503, "RNFR required first.");
            return;
        }
        s.renameFrom(null);
        FileSystemView.Resolved to = s.fs().resolveForCreate(arg);
        long size = regularSize(from.real());
        long replaced = regularSize(to.real());
        QuotaUsage qFrom = s.fs().quotaFor(from.virtual());
        QuotaUsage qTo = s.fs().quotaFor(to.virtual());
        if (from.root().equals(to.root())) {
            // one mount: a rename, on the loop as any metadata call
            try {
                Files.move(from.real(), to.real(), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from.real(), to.real());
            }
            if (qTo != null && replaced >= 0) {
                qTo.addBytes(-replaced);
                qTo.addFiles(-1);
            }
            s.reply(250, "Rename successful.");
            return;
        }
        // Across virtual folders (two directories, maybe two disks): a file is moved, by a copy and a
        // delete where the stores differ, on the bulk lane; a directory is refused rather than copied tree-wide.
        if (size < 0) {
            s.reply(553, "Cannot move a directory or special file between virtual folders ("
                    + Reply.quotePath(from.virtual()) + " and " + Reply.quotePath(to.virtual()) + ").");
            return;
        }
        boolean charged = qTo != null && qTo != qFrom;
        if (charged) {
            if (replaced < 0 && !qTo.tryAddFile()) {
                throw new QuotaCharge.QuotaExceededException("file limit of " + qTo.limits().maxFiles()
                        + " reached under " + qTo.root());
            }
            long max = qTo.limits().maxFileSize();
            if (max > 0 && size > max || !qTo.tryAddBytes(size - Math.max(replaced, 0))) {
                if (replaced < 0) {
                    qTo.addFiles(-1);
                }
                throw new QuotaCharge.QuotaExceededException("no room for " + size + " bytes under " + qTo.root());
            }
        }
        s.offloadBulk(() -> {
            try {
                Files.move(from.real(), to.real(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from.real(), to.real(), StandardCopyOption.REPLACE_EXISTING);
            }
            return null;
        }, (ignored, failure) -> {
            if (failure != null) {
                if (charged) {
                    qTo.addBytes(-(size - Math.max(replaced, 0)));
                    qTo.addFiles(replaced < 0 ? -1 : 0);
                }
                s.reply(failure instanceof java.nio.file.NoSuchFileException ? 550 : 451,
                        "Rename failed: " + org.nioftpd.data.LocalFileException.describe(failure) + ".");
            } else {
                if (qFrom != null && qFrom != qTo) {
                    qFrom.addBytes(-size);
                    qFrom.addFiles(-1);
                }
                if (qTo != null && qTo == qFrom && replaced >= 0) {
                    qTo.addBytes(-replaced);
                    qTo.addFiles(-1);
                }
                s.reply(250, "Rename successful.");
            }
            s.resume();
        }, () -> {
            if (charged) {
                qTo.addBytes(-(size - Math.max(replaced, 0)));
                qTo.addFiles(replaced < 0 ? -1 : 0);
            }
            s.reply(450, "Server busy; try the rename again.");
            s.resume();
        });
    }

    /** The size of the regular file {@code p} (not followed if a link), or -1 for anything else or nothing. */
    static long regularSize(java.nio.file.Path p) {
        try {
            java.nio.file.attribute.BasicFileAttributes a = Files.readAttributes(p,
                    java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? a.size() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** RFC 3659 section 4: the size in octets. */
    static void size(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = s.fs().resolveExisting(arg);
        if (!Files.isRegularFile(r.real())) {
            s.reply(550, "Not a plain file.");
            return;
        }
        s.reply(213, Long.toString(Files.size(r.real())));
    }

    /**
     * MFMT YYYYMMDDHHMMSS[.sss] path (draft-somers-ftp-mfxx): sets the
     * modification time, in UTC; replies 213 Modify=...; path.
     */
    static void mfmt(Session s, String arg) throws IOException {
        if (!s.fs().capabilities().setTimes()) {
            s.reply(502, "MFMT is not supported: this store (" + s.fs().capabilities().kind()
                    + ") cannot set modification times.");
            return;
        }
        int space = arg.indexOf(' ');
        if (space < 0) {
            s.reply(501, "Syntax: MFMT <sp> YYYYMMDDHHMMSS <sp> pathname");
            return;
        }
        String time = arg.substring(0, space);
        Instant instant;
        try {
            if (!time.matches("\\d{14}(\\.\\d{1,3})?")) {
                throw new java.time.DateTimeException(time);
            }
            instant = java.time.LocalDateTime.parse(time.substring(0, 14), ListFormat.TIME_VAL_PARSER)
                    .toInstant(java.time.ZoneOffset.UTC);
            if (time.length() > 15) {
                String millis = (time.substring(15) + "00").substring(0, 3);
                instant = instant.plusMillis(Integer.parseInt(millis));
            }
        } catch (java.time.DateTimeException e) {
            s.reply(501, "Time must be YYYYMMDDHHMMSS, in UTC.");
            return;
        }
        FileSystemView.Resolved r = s.fs().resolveExisting(arg.substring(space + 1));
        if (!s.fs().capabilities(r).setTimes()) { // a mount on an object store under a local home
            s.reply(502, "MFMT is not supported: this store (" + s.fs().capabilities(r).kind()
                    + ") cannot set modification times.");
            return;
        }
        Files.setLastModifiedTime(r.real(), java.nio.file.attribute.FileTime.from(instant));
        s.reply(213, "Modify=" + time.substring(0, 14) + "; " + r.virtual());
    }

    /** RFC 3659 section 3: the modification time, YYYYMMDDHHMMSS in UTC. */
    static void mdtm(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = s.fs().resolveExisting(arg);
        if (!Files.isRegularFile(r.real())) {
            s.reply(550, "Not a plain file.");
            return;
        }
        Instant t = Files.getLastModifiedTime(r.real()).toInstant();
        s.reply(213, ListFormat.TIME_VAL.format(t));
    }
}

package org.nioftpd.fs;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * What a listing says about one file: read once, with links followed. A link
 * whose target is outside the root, or missing, yields {@code null}: listings
 * leave it out, so nothing outside the root is revealed, not even its name.
 */
public record FileInfo(String name, Kind kind, long size, long modifiedMillis, int mode, Object fileKey) {

    public enum Kind { FILE, DIRECTORY, OTHER }


    /**
     * Reads {@code path}; {@code root} is the real root it must stay inside.
     * Null if hidden (the server's own temporary files are) or gone.
     */
    public static FileInfo read(Path path, String name, Path root) {
        return read(path, nameOf(path), name, root, null);
    }

    /**
     * The same for an entry of a directory being listed: {@code fileName} is
     * its name as read from the directory, and {@code dir}, if not null, the
     * open directory it is in, whose attributes are read relative to it
     * ({@code fstatat}: no walk of the whole path, component by component,
     * per entry of a listing). {@code dir} is used on the local disk only:
     * another provider's secure stream may be absent or differ.
     */
    public static FileInfo read(Path path, String fileName, String name, Path root, SecureDirectoryStream<Path> dir) {
        return read(path, dir != null ? path.getFileName() : null, fileName, name, root, dir);
    }

    /**
     * The same with the entry's last component as a path already ({@code file}, as the sorted
     * listing has it: no second copy of it per entry); used only with {@code dir}.
     */
    public static FileInfo read(Path path, Path file, String fileName, String name, Path root,
                                SecureDirectoryStream<Path> dir) {
        if (fileName != null && TemporaryFiles.isTemporary(fileName)) {
            return null;
        }
        try {
            // another provider's directory stream may offer no POSIX view (null): by path then
            PosixFileAttributeView view = dir != null && file != null && path.getFileSystem() == FileSystems.getDefault()
                    && StoreCapabilities.localDisk().posix()
                    ? dir.getFileAttributeView(file, PosixFileAttributeView.class,
                            LinkOption.NOFOLLOW_LINKS)
                    : null;
            BasicFileAttributes a = view != null ? view.readAttributes() : readAttributes(path, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                Path target = path.toRealPath();
                if (!FileSystemView.within(target, root)) {
                    return null;
                }
                a = readAttributes(target);
            }
            Kind kind = a.isDirectory() ? Kind.DIRECTORY : a.isRegularFile() ? Kind.FILE : Kind.OTHER;
            int mode = a instanceof PosixFileAttributes p ? toMode(p.permissions()) : -1;
            return new FileInfo(name, kind, a.size(), a.lastModifiedTime().toMillis(), mode, a.fileKey());
        } catch (IOException | SecurityException e) {
            return null;
        } catch (RuntimeException e) {
            // A provider's own failure (an SDK exception, an unsupported call): this entry is
            // left out, the listing goes on, and the session never sees it as a closed connection.
            return null;
        }
    }

    /**
     * POSIX attributes where this path's file system has them (the mode is listed), basic ones
     * elsewhere: Jimfs without the "posix" view, a zip archive, an object store.
     */
    private static BasicFileAttributes readAttributes(Path p, LinkOption... options) throws IOException {
        return StoreCapabilities.of(p.getFileSystem()).posix()
                ? Files.readAttributes(p, PosixFileAttributes.class, options)
                : Files.readAttributes(p, BasicFileAttributes.class, options);
    }

    private static final PosixFilePermission[] PERMISSIONS = PosixFilePermission.values();

    private static int toMode(Set<PosixFilePermission> perms) {
        // nine lookups rather than an iterator: no object per entry of a listing
        int mode = 0;
        for (PosixFilePermission p : PERMISSIONS) {
            if (perms.contains(p)) {
                mode |= 1 << (8 - p.ordinal()); // OWNER_READ is ordinal 0 and bit 0400
            }
        }
        return mode;
    }

    /**
     * The last component of {@code p} as a name: without the trailing '/' that object stores' providers
     * give a directory ("docs/"). Null for a path without a name (a root).
     */
    public static String nameOf(Path p) {
        Path file = p.getFileName();
        return file == null ? null : nameOf(file.toString());
    }

    /** A path's last component, as a string, without an object store's trailing '/'. */
    static String nameOf(String name) {
        return name.length() > 1 && name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    }

    public boolean isDirectory() {
        return kind == Kind.DIRECTORY;
    }
}

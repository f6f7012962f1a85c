package org.nioftpd.fs;

import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.util.Locale;
import java.util.Set;

/**
 * What one file system can do, asked once per view and never assumed from the
 * default provider: an FTP command the store cannot carry out is refused with
 * a reply that says why, rather than failing half way.
 *
 * <p>The attribute views come from the provider itself
 * ({@link FileSystem#supportedFileAttributeViews}). Whether a store can
 * append, write at an offset, rename atomically or set times is not something
 * {@code java.nio.file} can be asked without trying it, so it is known by the
 * kind of store: the local disk and in-memory file systems can do all of it;
 * an object store (S3, GCS, Azure Blob: a whole object is written at once,
 * a rename is a copy and a delete) can do none of it; a read-only file system
 * (a zip archive opened for reading) writes nothing.
 *
 * @param local        the JDK's default file system: calls are page-cached disk I/O, made on the loop
 * @param posix        POSIX attributes (owner, group, permission bits): {@code unix.mode}, SITE CHMOD
 * @param readOnly     nothing can be written
 * @param append       APPE, and REST before STOR (writing into an existing file at an offset)
 * @param atomicRename a rename replaces its target in one step (uploads land through a temporary)
 * @param setTimes     MFMT can set a file's modification time
 * @param objectStore  a flat key space under directories of its own making (empty directories may vanish)
 */
public record StoreCapabilities(boolean local, boolean posix, boolean readOnly, boolean append,
                                boolean atomicRename, boolean setTimes, boolean objectStore) {

    /** URI schemes of object stores whose providers are known: none of them appends or renames atomically. */
    private static final Set<String> OBJECT_STORES =
            Set.of("s3", "s3x", "s3a", "gs", "gcs", "azb", "abfs", "abfss", "wasb", "wasbs", "oss", "cos", "swift");

    private static final StoreCapabilities DEFAULT = of(FileSystems.getDefault());

    /** What {@code fs} can do. */
    public static StoreCapabilities of(FileSystem fs) {
        if (fs == FileSystems.getDefault() && DEFAULT != null) {
            return DEFAULT;
        }
        boolean local = fs == FileSystems.getDefault();
        boolean posix = fs.supportedFileAttributeViews().contains("posix");
        boolean readOnly = fs.isReadOnly();
        String scheme = fs.provider().getScheme().toLowerCase(Locale.ROOT);
        boolean object = OBJECT_STORES.contains(scheme);
        boolean writable = !readOnly;
        return new StoreCapabilities(local, posix, readOnly, writable && !object, writable && !object,
                writable && !object, object);
    }

    /** The default file system's capabilities (the local disk). */
    public static StoreCapabilities localDisk() {
        return DEFAULT;
    }

    /** A short phrase for replies and logs: what kind of store this is. */
    public String kind() {
        return local ? "local disk" : objectStore ? "object store" : readOnly ? "read-only store" : "store";
    }
}

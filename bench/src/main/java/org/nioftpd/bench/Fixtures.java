package org.nioftpd.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The tree every benchmark and every server under test serves, made once and
 * reused (a marker file says it is complete):
 * <pre>
 * big.bin      64 MiB   single-stream RETR
 * 10m.bin      10 MiB   concurrent RETR
 * 4k.bin        4 KiB   small files
 * dir10k/      10,000 empty files f00000..f09999: LIST, MLSD
 * upload/      mode 0777: STOR targets (vsftpd writes there as nobody)
 * </pre>
 * The root itself stays 0755 and root-owned: vsftpd refuses a writable chroot.
 */
public final class Fixtures {

    public static final String BIG = "big.bin";
    public static final long BIG_SIZE = 64L << 20;
    public static final String TEN_MIB = "10m.bin";
    public static final long TEN_MIB_SIZE = 10L << 20;
    public static final String SMALL = "4k.bin";
    public static final int SMALL_SIZE = 4096;
    public static final String DIR = "dir10k";
    public static final int DIR_ENTRIES = 10_000;
    public static final String UPLOAD = "upload";
    private static final String MARKER = ".nioftpd-bench-fixtures-v1";

    private Fixtures() {
    }

    /** The default place: {@code $java.io.tmpdir/nioftpd-bench-root}, or the system property {@code nioftpd.bench.root}. */
    public static Path defaultRoot() {
        String p = System.getProperty("nioftpd.bench.root");
        return p != null ? Path.of(p) : Path.of(System.getProperty("java.io.tmpdir"), "nioftpd-bench-root");
    }

    /** Makes the tree under {@code root} unless it is already there; then reads the files once into the page cache. */
    public static Path ensure(Path root) throws IOException {
        root = root.toAbsolutePath();
        if (!Files.exists(root.resolve(MARKER))) {
            Files.createDirectories(root);
            writeFile(root.resolve(BIG), BIG_SIZE);
            writeFile(root.resolve(TEN_MIB), TEN_MIB_SIZE);
            writeFile(root.resolve(SMALL), SMALL_SIZE);
            Path dir = Files.createDirectories(root.resolve(DIR));
            for (int i = 0; i < DIR_ENTRIES; i++) {
                Path f = dir.resolve(String.format("f%05d", i));
                if (!Files.exists(f)) {
                    Files.createFile(f);
                }
            }
            Path up = Files.createDirectories(root.resolve(UPLOAD));
            try {
                Files.setPosixFilePermissions(up, PosixFilePermissions.fromString("rwxrwxrwx"));
                Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException ignored) {
                // not POSIX: nothing to loosen
            }
            Files.createFile(root.resolve(MARKER));
        }
        warm(root.resolve(BIG));
        warm(root.resolve(TEN_MIB));
        return root;
    }

    private static void writeFile(Path p, long size) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
        long seed = 0x9E3779B97F4A7C15L;
        while (chunk.remaining() >= 8) {
            seed = seed * 6364136223846793005L + 1442695040888963407L;
            chunk.putLong(seed);
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long left = size;
            while (left > 0) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), left));
                left -= ch.write(chunk);
            }
        }
    }

    private static void warm(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(p)) {
            while (ch.read(b) >= 0) {
                b.clear();
            }
        }
    }

    /** {@code fixtures [DIR]}: makes the tree (for the load generator's peers) and prints where. */
    public static void main(String[] args) throws IOException {
        Path root = ensure(args.length > 0 ? Path.of(args[0]) : defaultRoot());
        System.out.println(root);
    }
}

package org.nioftpd.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.nioftpd.auth.Quota;

/**
 * What one user keeps under one quota root ({@code /} or a mount), and its
 * limits. Shared by all of the user's sessions on every loop: the counts are
 * atomics, changed lock-free by each upload, delete and rename the server
 * makes. The first use scans the directories ({@link #scan}, on a worker,
 * never a loop); what changes on disk behind the server's back is picked up
 * by the next scan: after {@link #RESCAN_AFTER_MILLIS}, or at once on
 * {@code SITE QUOTA RESCAN}.
 */
public final class QuotaUsage {

    /** Usage older than this is scanned again at the next upload (outside writes are reconciled then). */
    public static final long RESCAN_AFTER_MILLIS = 60 * 60 * 1000L;

    private final String key;
    private final String root;
    private final List<Path> dirs;
    private final Set<Path> skip;
    private volatile Quota limits;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final AtomicReference<CompletableFuture<Void>> scan = new AtomicReference<>();
    private volatile long scannedAt;

    /**
     * @param root   the quota root, a virtual path
     * @param dirs   the real directories whose files count
     * @param skip   real directories below those that count elsewhere (mounts with a quota of their own)
     */
    QuotaUsage(String user, String root, Quota limits, List<Path> dirs, Set<Path> skip) {
        this.root = root;
        this.dirs = List.copyOf(dirs);
        this.skip = Set.copyOf(skip);
        this.limits = limits;
        this.key = user + "\0" + root + "\0" + this.dirs + "\0" + this.skip;
    }

    /** Two usages with the same key count the same files: the registry keeps one. */
    public String key() {
        return key;
    }

    /** The quota root, as the client sees it. */
    public String root() {
        return root;
    }

    public Quota limits() {
        return limits;
    }

    /** A reload may change the limits; the counts stay. */
    public void limits(Quota q) {
        this.limits = q;
    }

    public long bytes() {
        return bytes.get();
    }

    public long files() {
        return files.get();
    }

    /** True once scanned and not stale: uploads may be counted without a scan first. */
    public boolean ready() {
        CompletableFuture<Void> f = scan.get();
        return f != null && f.isDone() && !f.isCompletedExceptionally()
                && System.currentTimeMillis() - scannedAt < RESCAN_AFTER_MILLIS;
    }

    /**
     * Brings the counts up to date: scans the directories, or waits for the
     * scan another thread runs. Blocks: call it on a worker.
     */
    public void scan() throws IOException {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> current;
        while (true) {
            current = scan.get();
            if (current != null && (!current.isDone() || ready())) {
                break; // someone scans now, or the counts are fresh
            }
            if (scan.compareAndSet(current, mine)) {
                current = mine;
                run(mine);
                break;
            }
        }
        try {
            current.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while scanning quota usage", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** Scans again now, whatever the age of the counts (SITE QUOTA RESCAN). Blocks: on a worker. */
    public void rescan() throws IOException {
        scannedAt = 0;
        scan();
    }

    private void run(CompletableFuture<Void> f) {
        long[] totals = new long[2];
        try {
            for (Path dir : dirs) {
                if (Files.isDirectory(dir)) {
                    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                            return !d.equals(dir) && skip.contains(d) ? FileVisitResult.SKIP_SUBTREE
                                    : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                            Path name = file.getFileName();
                            if (a.isRegularFile() && (name == null || !TemporaryFiles.isTemporary(name.toString()))) {
                                totals[0] += a.size();
                                totals[1]++;
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            return FileVisitResult.CONTINUE; // unreadable: counts as nothing
                        }
                    });
                }
            }
            bytes.set(totals[0]);
            files.set(totals[1]);
            scannedAt = System.currentTimeMillis();
            f.complete(null);
        } catch (IOException | RuntimeException e) {
            f.completeExceptionally(e);
        }
    }

    /**
     * Counts {@code n} more bytes stored, unless that would pass the limit:
     * then nothing is counted and false is returned. Lock-free.
     */
    public boolean tryAddBytes(long n) {
        long max = limits.maxBytes();
        while (true) {
            long cur = bytes.get();
            if (max > 0 && n > 0 && cur + n > max) {
                return false;
            }
            if (bytes.compareAndSet(cur, cur + n)) {
                return true;
            }
        }
    }

    /** Counts {@code n} bytes more (or fewer, when negative) without a limit: a rename in, a delete. */
    public void addBytes(long n) {
        bytes.addAndGet(n);
    }

    /** Counts one file more unless the file limit is reached (false, nothing counted). */
    public boolean tryAddFile() {
        long max = limits.maxFiles();
        while (true) {
            long cur = files.get();
            if (max > 0 && cur + 1 > max) {
                return false;
            }
            if (files.compareAndSet(cur, cur + 1)) {
                return true;
            }
        }
    }

    /** Counts {@code n} files more or fewer. */
    public void addFiles(long n) {
        files.addAndGet(n);
    }

    /** Bytes that may still be stored here; Long.MAX_VALUE without a byte limit. */
    public long available() {
        long max = limits.maxBytes();
        return max == 0 ? Long.MAX_VALUE : Math.max(0, max - bytes.get());
    }
}

package org.nioftpd.fs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The server's own temporary files: a new upload is written to
 * {@code .NAME.nioftpd-HEX} beside its target and renamed over it when
 * complete. Clients never see them: listings leave them out and a path
 * naming one is missing (550). A crash ({@code kill -9}, power loss) leaves
 * them behind; a {@link Sweeper} removes the stale ones.
 */
public final class TemporaryFiles {

    private static final String MARK = ".nioftpd-";
    private static final int MAX_NAME = 250;

    private TemporaryFiles() {
    }

    /** A new temporary name beside {@code target}, in its directory so that the final rename is atomic. */
    public static Path beside(Path target) {
        String name = "." + target.getFileName() + MARK + Long.toHexString(ThreadLocalRandom.current().nextLong());
        return target.resolveSibling(name.length() > MAX_NAME ? name.substring(name.length() - MAX_NAME) : name);
    }

    /**
     * True for a name {@link #beside} makes: it ends with {@code .nioftpd-} and
     * 1 to 16 lower-case hex digits (a long name loses its start, not its end).
     */
    public static boolean isTemporary(String name) {
        int mark = name.lastIndexOf(MARK);
        if (mark < 0) {
            return false;
        }
        int digits = name.length() - mark - MARK.length();
        if (digits < 1 || digits > 16) {
            return false;
        }
        for (int i = mark + MARK.length(); i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Removes stale temporary files from a directory the first time this
     * server writes into it (per run), on a worker. Lazily, per directory,
     * because only a directory someone uploads to can hold one, the roots are
     * the authenticator's (unknown at start, perhaps thousands of homes) and
     * walking whole trees at start is unbounded work; meanwhile a stale file
     * is invisible anyway. Stale: not modified for {@code olderThan}, longer
     * than any live upload leaves its file untouched (a stalled one is
     * aborted, and its file removed, after the data timeout). Thread-safe:
     * every loop of a server shares one.
     */
    public static final class Sweeper {
        private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());
        /** Directories remembered; past this the memory starts again (a second sweep is harmless). */
        private static final int MAX_REMEMBERED = 10_000;

        private final Set<Path> swept = ConcurrentHashMap.newKeySet();

        /** Sweeps {@code dir} on {@code workers} unless done already in this run. Any thread. */
        public void sweepOnce(Path dir, Duration olderThan, Executor workers) {
            if (swept.size() >= MAX_REMEMBERED) {
                swept.clear();
            }
            if (!swept.add(dir)) {
                return;
            }
            try {
                workers.execute(() -> sweep(dir, olderThan));
            } catch (RejectedExecutionException busy) {
                swept.remove(dir); // the next upload there tries again
            }
        }

        /** Removes the temporary files in {@code dir} not modified for {@code olderThan}; returns how many. */
        public static int sweep(Path dir, Duration olderThan) {
            long cutoff = System.currentTimeMillis() - olderThan.toMillis();
            int removed = 0;
            DirectoryStream.Filter<Path> temporary = p -> isTemporary(p.getFileName().toString());
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, temporary)) {
                for (Path p : entries) {
                    try {
                        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class,
                                LinkOption.NOFOLLOW_LINKS);
                        if (a.isRegularFile() && a.lastModifiedTime().toMillis() < cutoff && Files.deleteIfExists(p)) {
                            removed++;
                        }
                    } catch (IOException gone) {
                        // removed meanwhile, or not ours to remove: leave it
                    }
                }
            } catch (IOException | java.nio.file.DirectoryIteratorException e) {
                LOG.log(System.Logger.Level.DEBUG, "cannot sweep " + dir + " for stale temporary files: " + e);
            }
            if (removed > 0) {
                LOG.log(System.Logger.Level.INFO, "removed " + removed + " stale temporary file(s) in " + dir);
            }
            return removed;
        }
    }
}

package org.nioftpd.server;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.protocol.Printable;

/**
 * The transfer log in the xferlog format of wu-ftpd, vsftpd and ProFTPD,
 * which log analysers read:
 * <pre>
 * Tue Nov 24 07:17:02 2026 1 127.0.0.1 1048576 /srv/ftp/f.bin b _ o r alice ftp 0 * c
 * Thu Dec  3 07:54:34 2026 1 ::1 42 /srv/ftp/g.txt a _ i a anonymous ftp 0 * c
 * </pre>
 * The date is C's {@code asctime} as those servers write it, the day of
 * the month padded with a space to two characters ({@code Dec  3}), so that
 * a parser splitting on single spaces or reading fixed columns sees the
 * same fields as in their logs.
 * (time, seconds taken, client, bytes, file, a|b type, special action,
 * o|i direction, a|r access mode, user, service, authentication method,
 * authenticated user id, c|i completion).
 *
 * <p>The event loops only offer a line to a bounded queue; a writer thread
 * of its own does the file I/O, so a slow disk never stalls a loop. If the
 * queue is full, lines are dropped and counted rather than blocking.
 */
final class XferLog implements FtpEvents, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(XferLog.class.getName());
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ENGLISH);

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(65_536);
    private final Path file;
    /** Writer thread only (and {@link #close} once that thread has ended). */
    private BufferedWriter out;
    /** Set by {@link #reopen}, acted on by the writer thread. */
    private volatile boolean reopen;
    /**
     * Queued only to wake the writer thread (compared by identity). Not an
     * interrupt: that would close the FileChannel under a write.
     */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String WAKE = new String("wake");
    private final Thread writer;
    private final ZoneId zone;
    private volatile boolean closed;
    private final LongAdder dropped = new LongAdder();

    XferLog(Path file, ZoneId zone) throws IOException {
        this.zone = zone;
        this.file = file;
        this.out = open(file);
        this.writer = new Thread(this::drain, "nioftpd-xferlog");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    private static BufferedWriter open(Path file) throws IOException {
        return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /**
     * Closes the file and opens it again by name, on the writer thread and
     * before its next line: after logrotate has renamed the old file, the next
     * lines go to a new one (SIGHUP, as for every daemon that keeps a log open).
     */
    void reopen() {
        reopen = true;
        queue.offer(WAKE); // cuts short the writer's wait for a line
    }

    /** One line for {@code r}, without the newline. */
    static String format(TransferRecord r, ZoneId zone) {
        long seconds = Math.max(1, Math.round(r.durationMillis() / 1000.0)); // xferlog never writes 0
        return TIME.format(Instant.ofEpochMilli(r.startMillis() + r.durationMillis()).atZone(zone))
                + ' ' + seconds
                + ' ' + host(r.client())
                + ' ' + r.bytes()
                + ' ' + field(r.file())
                + ' ' + (r.ascii() ? 'a' : 'b')
                + " _"
                + ' ' + (r.incoming() ? 'i' : 'o')
                + ' ' + (r.anonymous() ? 'a' : 'r')
                + ' ' + field(r.user())
                + " ftp 0 *"
                + ' ' + (r.complete() ? 'c' : 'i');
    }

    /** The client's address: {@code 127.0.0.1}, {@code ::1} (RFC 5952), as vsftpd and ProFTPD write it. */
    private static String host(java.net.InetSocketAddress a) {
        return a.getAddress() instanceof java.net.Inet6Address
                ? Values.shortIpv6(a.getAddress().getAddress()) : a.getAddress().getHostAddress();
    }

    /** Fields are space-separated: a space (or a line break) inside one would shift every field after it. */
    private static String field(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c == ' ' || Printable.isControl(c) || Printable.isBidiControl(c) ? '_' : c);
        }
        return sb.toString();
    }

    @Override
    public void transferred(TransferRecord r) {
        if (!queue.offer(format(r, zone))) {
            dropped.increment();
        }
    }

    private void drain() {
        while (!closed || !queue.isEmpty()) {
            if (reopen) {
                reopen = false;
                reopenNow();
            }
            String line;
            try {
                line = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return; // nobody interrupts this thread but the JVM going away
            }
            if (line == null || line == WAKE) {
                continue;
            }
            if (out == null) {
                dropped.increment(); // the file could not be (re)opened; a later reopen may fix it
                continue;
            }
            try {
                out.write(line);
                out.newLine();
                // write what else is queued, then flush once
                while ((line = queue.poll()) != null) {
                    if (line != WAKE) {
                        out.write(line);
                        out.newLine();
                    }
                }
                out.flush();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.ERROR, "transfer log write failed; lines are dropped until a reload"
                        + " reopens " + file, e);
                closeQuietly();
            }
        }
    }

    private void reopenNow() {
        closeQuietly();
        try {
            out = open(file);
            LOG.log(System.Logger.Level.INFO, "transfer log reopened: {0}", file);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot reopen the transfer log " + file
                    + "; lines are dropped until a reload reopens it", e);
        }
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // what could be written was; the file is being replaced
            }
            out = null;
        }
    }

    long dropped() {
        return dropped.sum();
    }

    /** Writes what is queued and closes the file. */
    @Override
    public void close() {
        closed = true;
        queue.offer(WAKE);
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!writer.isAlive()) {
            closeQuietly();
        }
    }
}

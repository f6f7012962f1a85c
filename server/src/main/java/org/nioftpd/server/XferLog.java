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
import org.nioftpd.FtpEvents;

/**
 * The transfer log in the xferlog format of wu-ftpd, vsftpd and ProFTPD,
 * which log analysers read:
 * <pre>
 * Tue Nov 24 07:17:02 2026 1 127.0.0.1 1048576 /srv/ftp/f.bin b _ o r alice ftp 0 * c
 * </pre>
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
            DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ENGLISH);

    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(65_536);
    private final BufferedWriter out;
    private final Thread writer;
    private final ZoneId zone;
    private volatile boolean closed;
    private volatile long dropped;

    XferLog(Path file, ZoneId zone) throws IOException {
        this.zone = zone;
        this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        this.writer = new Thread(this::drain, "nioftpd-xferlog");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** One line for {@code r}, without the newline. */
    static String format(TransferRecord r, ZoneId zone) {
        long seconds = Math.max(1, Math.round(r.durationMillis() / 1000.0)); // xferlog never writes 0
        return TIME.format(Instant.ofEpochMilli(r.startMillis() + r.durationMillis()).atZone(zone))
                + ' ' + seconds
                + ' ' + r.client().getAddress().getHostAddress()
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

    /** Fields are space-separated: a space (or a line break) inside one would shift every field after it. */
    private static String field(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c == ' ' || c < 0x20 || c == 0x7f ? '_' : c);
        }
        return sb.toString();
    }

    @Override
    public void transferred(TransferRecord r) {
        if (!queue.offer(format(r, zone))) {
            dropped++;
        }
    }

    private void drain() {
        try {
            while (!closed || !queue.isEmpty()) {
                String line = queue.poll(200, TimeUnit.MILLISECONDS);
                if (line == null) {
                    continue;
                }
                out.write(line);
                out.newLine();
                // write what else is queued, then flush once
                while ((line = queue.poll()) != null) {
                    out.write(line);
                    out.newLine();
                }
                out.flush();
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "transfer log write failed; transfer logging stops", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long dropped() {
        return dropped;
    }

    /** Writes what is queued and closes the file. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(5_000);
            out.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the transfer log failed", e);
        }
    }
}

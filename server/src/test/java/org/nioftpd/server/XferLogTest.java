package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.event.FtpEvents.TransferRecord;
import org.nioftpd.testing.Await;

/** The transfer log's line format and its file handling, without a server. */
@Timeout(30)
class XferLogTest {

    @TempDir
    Path dir;

    private static TransferRecord record(String file, boolean incoming, boolean complete) throws IOException {
        long start = ZonedDateTime.of(2026, 11, 24, 7, 17, 0, 0, ZoneOffset.UTC).toInstant().toEpochMilli();
        return new TransferRecord(start, 2_400, new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 50312),
                1_048_576, "/f.bin", file, false, incoming, "alice", false, complete);
    }

    @Test
    void lineInTheXferlogFormat() throws Exception {
        assertEquals("Tue Nov 24 07:17:02 2026 2 127.0.0.1 1048576 /srv/ftp/f.bin b _ o r alice ftp 0 * c",
                XferLog.format(record("/srv/ftp/f.bin", false, true), ZoneOffset.UTC));
        assertEquals("Tue Nov 24 07:17:02 2026 2 127.0.0.1 1048576 /srv/ftp/my_file.bin b _ i r alice ftp 0 * i",
                XferLog.format(record("/srv/ftp/my file.bin", true, false), ZoneOffset.UTC),
                "a space in a name would shift every field after it");
    }

    /** A transfer that ended at 07:54:34 UTC on 3 December 2026 and took {@code millis}. */
    private static TransferRecord december3(String client, String file, boolean ascii, boolean incoming, String user,
                                            boolean anonymous) throws IOException {
        long end = ZonedDateTime.of(2026, 12, 3, 7, 54, 34, 0, ZoneOffset.UTC).toInstant().toEpochMilli();
        return new TransferRecord(end - 900, 900, new InetSocketAddress(InetAddress.getByName(client), 50312),
                42, file, file, ascii, incoming, user, anonymous, true);
    }

    /**
     * Regression (operator's first day, item 5): the day of the month was
     * written "Dec 3"; vsftpd and ProFTPD write asctime's "Dec  3", and log
     * parsers that read the columns of their lines took nioftpd's apart.
     * The expected lines are written as vsftpd (xferlog_std_format) and
     * ProFTPD (TransferLog) write them.
     */
    @Test
    void theDateIsPaddedAsVsftpdAndProftpdWriteIt() throws Exception {
        String vsftpd = "Thu Dec  3 07:54:34 2026 1 192.168.56.1 42 /srv/ftp/notes.txt b _ o r alice ftp 0 * c";
        assertEquals(vsftpd, XferLog.format(
                december3("192.168.56.1", "/srv/ftp/notes.txt", false, false, "alice", false), ZoneOffset.UTC));
        String proftpd = "Thu Dec  3 07:54:34 2026 1 ::1 42 /srv/ftp/incoming/up.txt a _ i a anonymous ftp 0 * c";
        assertEquals(proftpd, XferLog.format(
                december3("::1", "/srv/ftp/incoming/up.txt", true, true, "anonymous", true), ZoneOffset.UTC));
        // the same columns as theirs: a fixed-width 24-character date, then 13 fields
        String line = XferLog.format(december3("127.0.0.1", "/f", false, false, "bob", false), ZoneOffset.UTC);
        assertEquals("Thu Dec  3 07:54:34 2026", line.substring(0, 24));
        assertEquals(13, line.substring(25).split(" ").length, line);
    }

    @Test
    void writesLinesAndReopensAfterARename() throws Exception {
        Path log = dir.resolve("xferlog");
        try (XferLog x = new XferLog(log, ZoneOffset.UTC)) {
            x.transferred(record("/a", false, true));
            Await.until(Duration.ofSeconds(10), "the first line", () -> lines(log).size() == 1);

            Path rotated = dir.resolve("xferlog.1");
            Files.move(log, rotated); // what logrotate does; the writer still holds the old file
            x.reopen();
            x.transferred(record("/b", false, true));
            Await.until(Duration.ofSeconds(10), "a new file after reopen", () -> Files.exists(log)
                    && lines(log).size() == 1);
            assertEquals(1, lines(rotated).size());
            assertEquals(List.of("/a"), lines(rotated).stream().map(l -> l.split(" ")[8]).toList());
            assertEquals(List.of("/b"), lines(log).stream().map(l -> l.split(" ")[8]).toList());
            assertEquals(0, x.dropped());
        }
    }

    @Test
    void closeWritesWhatIsQueued() throws Exception {
        Path log = dir.resolve("xferlog");
        XferLog x = new XferLog(log, ZoneOffset.UTC);
        for (int i = 0; i < 1000; i++) {
            x.transferred(record("/f" + i, true, true));
        }
        x.close();
        assertEquals(1000, lines(log).size());
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * The flight-recorder events: a recording started in this JVM, commands run
 * against a real server, the recording dumped and read back with
 * {@link RecordingFile}: one {@code org.nioftpd.Command} per command, with
 * its name and final reply code, a {@code org.nioftpd.Transfer} per file
 * transfer and a {@code org.nioftpd.Connection} open and close per session.
 * And the latency histograms the same commands feed.
 */
@Timeout(60)
class FlightRecorderTest {

    @TempDir
    Path dir;

    @Test
    void oneEventPerCommandTransferAndConnection() throws Exception {
        Files.write(dir.resolve("f.bin"), new byte[100_000]);
        Path dump = dir.resolve("rec.jfr");
        try (TestServer ts = TestServer.start(dir.resolve("root"), b -> { });
             Recording rec = new Recording()) {
            Files.copy(dir.resolve("f.bin"), dir.resolve("root").resolve("f.bin"));
            rec.enable("org.nioftpd.Command").withoutThreshold();
            rec.enable("org.nioftpd.Transfer");
            rec.enable("org.nioftpd.Connection");
            rec.start();
            int clientPort;
            try (RawClient c = ts.raw()) {
                clientPort = c.socket().getLocalPort();
                c.reply();
                c.expect("USER u", 331);
                c.expect("PASS p", 230);
                c.expect("PWD", 257);
                c.expect("NOPE", 500);
                c.expect("TYPE I", 200);
                Socket data = c.passiveData(); // PASV: 227
                c.expect("RETR f.bin", 1);
                try (InputStream in = data.getInputStream()) {
                    in.readAllBytes();
                }
                assertTrue(c.reply().startsWith("226"));
                c.expect("CWD /nowhere", 550);
                c.expect("QUIT", 221);
            }
            FtpServer server = ts.server();
            Await.until(Duration.ofSeconds(10), "session closed", () -> server.sessionCount() == 0);
            rec.stop();
            rec.dump(dump);

            List<RecordedEvent> events = RecordingFile.readAllEvents(dump);
            String me = "127.0.0.1:" + clientPort;
            List<RecordedEvent> commands = events.stream()
                    .filter(e -> e.getEventType().getName().equals("org.nioftpd.Command"))
                    .filter(e -> String.valueOf(e.getString("client")).endsWith(me))
                    .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime))
                    .toList();
            String seen = commands.stream().map(e -> e.getString("command") + " " + e.getInt("replyCode"))
                    .collect(Collectors.joining(", "));
            assertEquals("USER 331, PASS 230, PWD 257, UNKNOWN 500, TYPE 200, PASV 227, RETR 226, CWD 550, QUIT 221",
                    seen);
            RecordedEvent retr = commands.get(6);
            assertTrue(retr.getDuration().toNanos() > 0, "a command has a duration");
            assertEquals("u", retr.getString("user"));

            List<RecordedEvent> transfers = events.stream()
                    .filter(e -> e.getEventType().getName().equals("org.nioftpd.Transfer")).toList();
            assertEquals(1, transfers.size(), transfers.toString());
            RecordedEvent t = transfers.get(0);
            assertEquals("/f.bin", t.getString("file"));
            assertEquals("download", t.getString("direction"));
            assertEquals(100_000L, t.getLong("bytes"));
            assertTrue(t.getBoolean("complete"));

            List<String> connections = events.stream()
                    .filter(e -> e.getEventType().getName().equals("org.nioftpd.Connection"))
                    .filter(e -> String.valueOf(e.getString("client")).endsWith(me))
                    .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime))
                    .map(e -> e.getString("action") + " " + e.getString("user")).toList();
            assertEquals(List.of("open null", "close u"), connections);

            // the same commands in the histograms
            FtpStats stats = server.stats();
            assertEquals(1, stats.commandLatencies().get("RETR").count());
            assertEquals(1, stats.commandLatencies().get("UNKNOWN").count());
            assertEquals(1, stats.downloadDurations().count());
            assertEquals(0, stats.uploadDurations().count());
        }
    }

    @Test
    void withoutARecordingNothingIsRecordedButTheHistogramsCount() throws Exception {
        try (TestServer ts = TestServer.start(dir); RawClient c = ts.rawLoggedIn()) {
            for (int i = 0; i < 5; i++) {
                c.expect("NOOP", 200);
            }
            Histogram noop = ts.server().stats().commandLatencies().get("NOOP");
            assertEquals(5, noop.count());
            long[] counts = noop.counts();
            assertEquals(Histogram.COMMAND_BOUNDS.size() + 1, counts.length);
            assertEquals(5, java.util.Arrays.stream(counts).sum());
            assertTrue(noop.sumNanos() > 0);
        }
    }

    @Test
    void histogramBucketsByUpperBound() {
        Histogram h = new Histogram(List.of(0.001, 0.01));
        h.record(1_000_000);     // exactly 1 ms: le="0.001"
        h.record(1_000_001);     // just above: le="0.01"
        h.record(5_000_000_000L); // +Inf
        h.record(-5);            // a clock step back counts as 0
        assertEquals(List.of(2L, 1L, 1L), java.util.Arrays.stream(h.counts()).boxed().toList());
        assertEquals(4, h.count());
        assertEquals(5_002_000_001L, h.sumNanos());
    }
}

package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * A client that sends commands and does not read the replies is not served
 * further once 64 KB of replies wait: memory per session stays bounded, and
 * everything resumes, in order, when it reads.
 */
@Timeout(30)
class ControlBackpressureTest {

    @TempDir
    Path dir;

    /** Returns once the loop has finished what it was doing (the command lines it had in hand). */
    static void settle(EventLoop loop) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        loop.execute(done::countDown);
        assertTrue(done.await(10, TimeUnit.SECONDS));
    }

    /**
     * Bug: the 64 KB limit only stopped reading from the socket; every line
     * already read (4 KB of input: hundreds of short commands) still ran, so
     * one write of "STAT /" lines made the server buffer hundreds of large
     * replies (here ~90 KB each, in the worst case 10,000 entries each).
     */
    @Test
    void pipelinedCommandsWaitWhileRepliesAreUnread() throws Exception {
        Path big = Files.createDirectory(dir.resolve("big"));
        // ~90 KB of STAT reply: few files with long names, files being slow to create
        for (int i = 0; i < 400; i++) {
            Files.createFile(big.resolve("a-file-with-a-long-name-".repeat(6) + i));
        }
        try (TestServer server = TestServer.start(dir, b -> b.loops(1))) {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(server.server().addresses().get(0), 10_000);
            try (RawClient in = new RawClient(s)) {
                assertTrue(in.reply().startsWith("220 "));
                StringBuilder pipeline = new StringBuilder("USER u\r\nPASS p\r\nMKD before\r\n");
                pipeline.append("STAT /big\r\n".repeat(100));
                pipeline.append("MKD after\r\n");
                in.sendRaw(pipeline.toString().getBytes(StandardCharsets.US_ASCII));

                Await.until(Duration.ofSeconds(10), "the pipeline to start", () -> Files.exists(dir.resolve("before")));
                settle(server.server().loops().get(0));
                assertFalse(Files.exists(dir.resolve("after")), "commands ran while ~10 MB of replies were unread");

                // reading lets the rest run, in order
                assertTrue(in.reply().startsWith("331 "));
                assertTrue(in.reply().startsWith("230 "));
                assertTrue(in.reply().startsWith("257 \"/before\""));
                for (int i = 0; i < 100; i++) {
                    String stat = in.reply();
                    assertTrue(stat.startsWith("213-") && stat.endsWith("213 End of status."), "STAT " + i);
                }
                assertTrue(in.reply().startsWith("257 \"/after\""));
            }
        }
    }
}

package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntUnaryOperator;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.testing.Await;

/** --webhook: a local HTTP server (the JDK's) receives the JSON events, retries and give-ups. */
@Timeout(60)
class WebhookTest extends DaemonTestBase {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private HttpServer http;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();

    /** Answers request n (0-based) with {@code status.applyAsInt(n)}. */
    private String serve(IntUnaryOperator status) throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/hook", exchange -> {
            int n = requests.getAndIncrement();
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
            exchange.sendResponseHeaders(status.applyAsInt(n), -1);
            exchange.close();
        });
        http.start();
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/hook";
    }

    @AfterEach
    void stopHttp() {
        if (http != null) {
            http.stop(0);
        }
    }

    @Test
    void anUploadIsPostedAsJson() throws Exception {
        String url = serve(n -> 200);
        Daemon d = start("--user", "alice:pw:rw", "--webhook", url, "--webhook-events", "upload,delete");
        FTPClient c = login(d, "alice", "pw");
        assertTrue(c.storeFile("a \"q\".txt", new ByteArrayInputStream(new byte[42])));
        assertTrue(c.listNames() != null); // a listing: not asked for, not posted
        assertTrue(c.deleteFile("a \"q\".txt"));
        Await.until(WAIT, "two events", () -> bodies.size() == 2);
        String up = bodies.get(0);
        assertTrue(up.startsWith("{\"event\":\"upload\",\"verb\":\"STOR\",\"user\":\"alice\","
                + "\"address\":\"127.0.0.1\",\"path\":\"/a \\\"q\\\".txt\","), up);
        assertTrue(up.contains("\"reply_code\":226,\"ok\":true,\"bytes\":42,"), up);
        assertTrue(bodies.get(1).startsWith("{\"event\":\"delete\""), bodies.get(1));
        assertEquals("application/json", contentTypes.get(0));
        Await.until(WAIT, "delivered counted",
                () -> d.metrics().prometheus().contains("nioftpd_webhook_delivered_total 2"));
    }

    @Test
    void aFailedPostIsRetriedUntilItIsTaken() throws Exception {
        String url = serve(n -> n == 0 ? 500 : 200);
        Daemon d = start("--user", "alice:pw:rw", "--webhook", url);
        FTPClient c = login(d, "alice", "pw");
        assertTrue(c.storeFile("a.txt", new ByteArrayInputStream(new byte[1])));
        Await.until(WAIT, "delivered after a retry",
                () -> d.metrics().prometheus().contains("nioftpd_webhook_delivered_total 1"));
        assertEquals(2, requests.get());
        assertEquals(bodies.get(0), bodies.get(1), "the same event again");
        assertTrue(d.metrics().prometheus().contains("nioftpd_webhook_failed_total 0"));
    }

    @Test
    void itGivesUpAfterTheRetriesAndSaysSo() throws Exception {
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        Logging.configure(Values.LogLevel.INFO, new PrintStream(logged, true, StandardCharsets.UTF_8));
        String url = serve(n -> 500);
        Daemon d = start("--user", "alice:pw:rw", "--webhook", url, "--webhook-retries", "2");
        FTPClient c = login(d, "alice", "pw");
        assertTrue(c.storeFile("a.txt", new ByteArrayInputStream(new byte[1])));
        // the session is not held by the failing hook
        assertTrue(c.sendNoOp());
        Await.until(WAIT, "given up", () -> d.metrics().prometheus().contains("nioftpd_webhook_failed_total 1"));
        assertEquals(3, requests.get(), "one try and two retries");
        Await.until(WAIT, "the give-up logged", () -> logged.toString(StandardCharsets.UTF_8)
                .contains("gave up on upload /a.txt after 3 attempts, last: HTTP 500"));
    }
}

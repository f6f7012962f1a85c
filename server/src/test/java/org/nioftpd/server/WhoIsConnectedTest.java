package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;

/**
 * Issue 15 item 5 through the real daemon: {@code nioftpd who} lists a
 * throttled download in flight with its progress and {@code nioftpd kick}
 * ends it; the JSON endpoint, the HTML page (in headless Chromium where it is
 * installed), the JMX MBean, the token and the loopback rules. Item 6: the
 * latency histograms in the Prometheus output, scraped.
 */
@Timeout(90)
class WhoIsConnectedTest extends DaemonTestBase {

    private static final int SIZE = 4 << 20;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    record Cli(int status, String out, String err) {
    }

    private static Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String metrics(Daemon d) {
        return "127.0.0.1:" + d.metricsAddress().getPort();
    }

    private HttpResponse<String> get(Daemon d, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + metrics(d) + path))
                .timeout(Duration.ofSeconds(15));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** An HTTP/1.1 GET over a raw socket, with a Host header HttpClient would not send; returns the status. */
    private static int rawStatus(Daemon d, String path, String host, String authorization) throws IOException {
        try (Socket s = new Socket(java.net.InetAddress.getLoopbackAddress(), d.metricsAddress().getPort())) {
            s.setSoTimeout(15_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
                    + "Connection: close\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            assertTrue(status != null && status.startsWith("HTTP/1.1 "), String.valueOf(status));
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    /** A logged-in raw session with a throttled RETR of big.bin in flight, some bytes already read. */
    private static Socket downloading(RawClient c) throws IOException {
        c.expect("TYPE I", 200);
        Socket data = c.passiveData();
        c.expect("RETR big.bin", 1);
        InputStream in = data.getInputStream();
        byte[] buf = new byte[8192];
        int got = 0;
        while (got < 32 * 1024) {
            got += in.read(buf);
        }
        return data;
    }

    @Test
    void whoListsARunningDownloadWithProgressAndKickEndsIt() throws Exception {
        Files.write(dir.resolve("big.bin"), new byte[SIZE]);
        Daemon d = start("--metrics-listen", "127.0.0.1:0", "--user", "alice:pw", "--max-download-rate", "256K");
        try (RawClient c = new RawClient(d.server().port())) {
            c.reply();
            c.login("alice", "pw");
            Socket data = downloading(c);

            Cli who = cli("who", "--metrics", metrics(d));
            assertEquals(0, who.status(), who.err());
            String line = who.out().lines().filter(l -> l.contains("alice")).findFirst()
                    .orElseThrow(() -> new AssertionError(who.out()));
            assertTrue(line.matches("\\d+\\s+alice\\s+127\\.0\\.0\\.1:" + c.socket().getLocalPort()
                    + "\\s+no\\s+\\d+:\\d\\d\\s+\\d+:\\d\\d\\s+DL\\s+/big\\.bin\\s+\\d.* ?/4\\.0 MiB \\(\\d+%\\)\\s+.*/s"),
                    who.out());
            assertTrue(who.out().startsWith("ID "), who.out());
            assertTrue(who.out().endsWith("1 session\n"), who.out());

            Cli json = cli("who", "--json", "--metrics", metrics(d));
            assertEquals(0, json.status(), json.err());
            assertTrue(json.out().contains("\"user\":\"alice\""), json.out());
            assertTrue(json.out().contains("\"direction\":\"download\""), json.out());
            assertTrue(json.out().contains("\"size\":" + SIZE), json.out());
            Matcher progress = Pattern.compile("\"progress\":(0\\.\\d{4})").matcher(json.out());
            assertTrue(progress.find(), json.out());
            double p = Double.parseDouble(progress.group(1));
            assertTrue(p > 0 && p < 1, json.out());
            String id = idOf(json.out());

            Cli kick = cli("kick", id, "--metrics", metrics(d));
            assertEquals(0, kick.status(), kick.err());
            assertEquals("kicked 1 session: " + id + "\n", kick.out());
            assertTrue(c.reply().startsWith("426"), "the running RETR is answered first");
            assertEquals("421 Session ended by the administrator.", c.reply());
            assertNull(c.reply(), "closed");
            data.setSoTimeout(20_000);
            long rest = data.getInputStream().transferTo(OutputStream.nullOutputStream());
            assertTrue(rest < SIZE, "the data connection was closed, " + rest + " bytes after");
            data.close();

            Await.until(Duration.ofSeconds(10), "no session left", () -> d.server().sessionCount() == 0);
            Cli none = cli("who", "--metrics", metrics(d));
            assertEquals("0 sessions\n", none.out().lines().reduce((a, b) -> b).orElse("") + "\n");
            Cli again = cli("kick", "alice", "--metrics", metrics(d));
            assertEquals(1, again.status());
            assertTrue(again.err().contains("no session matches 'alice'"), again.err());
        }
    }

    private static String idOf(String json) {
        Matcher m = Pattern.compile("\"id\":\"(\\d+)\"").matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }

    @Test
    void kickByUserOverHttpIsAPostFromTheSameOriginOnly() throws Exception {
        Daemon d = start("--metrics-listen", "127.0.0.1:0", "--user", "alice:pw");
        try (RawClient c = new RawClient(d.server().port())) {
            c.reply();
            c.login("alice", "pw");
            assertEquals(405, get(d, "/sessions/kick?target=alice").statusCode());
            HttpResponse<String> cross = http.send(HttpRequest.newBuilder(
                    URI.create("http://" + metrics(d) + "/sessions/kick?target=alice"))
                    .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, cross.statusCode(), cross.body());
            assertTrue(c.command("NOOP").startsWith("200"), "not kicked by a cross-origin POST");
            assertEquals(403, rawStatus(d, "/sessions", "evil.example", null), "DNS rebinding");
            assertEquals(403, rawStatus(d, "/who", "evil.example:80", null), "DNS rebinding");
            assertEquals(200, rawStatus(d, "/sessions", "localhost:" + d.metricsAddress().getPort(), null));
            assertEquals(200, rawStatus(d, "/metrics", "evil.example", null), "the metrics are no secret");
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(
                    URI.create("http://" + metrics(d) + "/sessions/kick?target=alice"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().matches("\\{\"target\":\"alice\",\"kicked\":\\[\"\\d+\"]}\n"), ok.body());
            assertEquals("421 Session ended by the administrator.", c.reply());
            assertEquals(400, http.send(HttpRequest.newBuilder(URI.create("http://" + metrics(d) + "/sessions/kick"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode());
            assertEquals(404, get(d, "/nothing").statusCode());
        }
    }

    @Test
    void aTokenIsRequiredOnEveryPathWhenGiven() throws Exception {
        Path token = dir.resolve("metrics.token");
        Files.writeString(token, "s3cret-token\n");
        Daemon d = start("--metrics-listen", "127.0.0.1:0", "--metrics-token", token.toString(),
                "--user", "alice:pw");
        try (RawClient c = new RawClient(d.server().port())) {
            c.reply();
            c.login("alice", "pw");
            for (String path : List.of("/metrics", "/sessions", "/who")) {
                HttpResponse<String> r = get(d, path);
                assertEquals(401, r.statusCode(), path);
                assertTrue(r.headers().firstValue("WWW-Authenticate").isPresent(), path);
                assertEquals(401, get(d, path, "Authorization", "Bearer wrong").statusCode(), path);
                assertEquals(200, get(d, path, "Authorization", "Bearer s3cret-token").statusCode(), path);
            }
            String basic = "Basic " + Base64.getEncoder().encodeToString("admin:s3cret-token".getBytes(
                    StandardCharsets.UTF_8));
            assertEquals(200, get(d, "/who", "Authorization", basic).statusCode(), "a browser's Basic login");
            assertEquals(200, rawStatus(d, "/who", "ftp.example", "Bearer s3cret-token"),
                    "with a token, any Host may ask");

            Cli refused = cli("who", "--metrics", metrics(d));
            assertEquals(1, refused.status());
            assertTrue(refused.err().contains("answered 401"), refused.err());
            Cli who = cli("who", "--metrics", metrics(d), "--token-file", token.toString());
            assertEquals(0, who.status(), who.err());
            assertTrue(who.out().contains("alice"), who.out());
        }
    }

    @Test
    void withoutATokenANonLoopbackListenerServesMetricsButNotSessions() throws Exception {
        Daemon d = start("--metrics-listen", "0.0.0.0:0", "--user", "alice:pw");
        assertEquals(200, get(d, "/metrics").statusCode());
        HttpResponse<String> r = get(d, "/sessions");
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("--metrics-token"), r.body());
        assertEquals(403, get(d, "/who").statusCode());
    }

    @Test
    void cliFindsTheListenerAndTokenInTheConfigFileAndSaysWhenItCannotReachIt() throws Exception {
        Path token = dir.resolve("t");
        Files.writeString(token, "tok\n");
        Daemon d = start("--metrics-listen", "127.0.0.1:0", "--metrics-token", token.toString());
        Path conf = dir.resolve("nioftpd.conf");
        Files.writeString(conf, "root = " + dir + "\nmetrics-listen = " + metrics(d) + "\nmetrics-token = " + token
                + "\n");
        Cli who = cli("who", "--config", conf.toString());
        assertEquals(0, who.status(), who.err());
        assertTrue(who.out().endsWith("0 sessions\n"), who.out());

        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Cli down = cli("who", "--metrics", "127.0.0.1:" + closed);
        assertEquals(1, down.status());
        assertTrue(down.err().contains("cannot reach the daemon's metrics listener"), down.err());
        assertEquals(2, cli("kick").status(), "kick needs a target");
        assertEquals(2, cli("who", "--bogus").status());
    }

    @Test
    void jmxSessionsMBeanListsAndKicks() throws Exception {
        Daemon d = start("--user", "alice:pw");
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("org.nioftpd:type=Sessions");
        try (RawClient c = new RawClient(d.server().port())) {
            c.reply();
            c.login("alice", "pw");
            assertEquals(1, mbs.getAttribute(name, "Count"));
            String json = (String) mbs.invoke(name, "list", null, null);
            assertTrue(json.contains("\"user\":\"alice\""), json);
            String[] kicked = (String[]) mbs.invoke(name, "kick", new Object[] {"alice"},
                    new String[] {String.class.getName()});
            assertEquals(List.of(idOf(json)), List.of(kicked));
            assertEquals("421 Session ended by the administrator.", c.reply());
        }
        d.close();
        assertFalse(mbs.isRegistered(name), "unregistered with the daemon");
    }

    @Test
    void prometheusHasCommandAndTransferLatencyHistograms() throws Exception {
        Files.write(dir.resolve("f.bin"), new byte[10_000]);
        Daemon d = start("--metrics-listen", "127.0.0.1:0", "--user", "alice:pw");
        try (RawClient c = new RawClient(d.server().port())) {
            c.reply();
            c.login("alice", "pw");
            for (int i = 0; i < 3; i++) {
                c.expect("NOOP", 200);
            }
            c.expect("TYPE I", 200);
            Socket data = c.passiveData();
            c.expect("RETR f.bin", 1);
            assertEquals(10_000, RawClient.readAll(data).length);
            assertTrue(c.reply().startsWith("226"));
        }
        String[] m = new String[1];
        Await.until(Duration.ofSeconds(10), "the download counted", () -> {
            try {
                m[0] = get(d, "/metrics").body();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return m[0].contains("nioftpd_transfer_duration_seconds_count{direction=\"download\"} 1\n");
        });
        String body = m[0];
        assertTrue(body.contains("# TYPE nioftpd_command_duration_seconds histogram\n"), body);
        assertTrue(body.contains("# TYPE nioftpd_transfer_duration_seconds histogram\n"), body);
        assertTrue(body.contains("nioftpd_command_duration_seconds_count{command=\"NOOP\"} 3\n"), body);
        assertTrue(body.contains("nioftpd_command_duration_seconds_bucket{command=\"NOOP\",le=\"+Inf\"} 3\n"), body);
        assertTrue(body.contains("nioftpd_command_duration_seconds_count{command=\"RETR\"} 1\n"), body);
        assertTrue(body.contains("nioftpd_transfer_duration_seconds_count{direction=\"upload\"} 0\n"), body);
        assertTrue(body.matches("(?s).*\nnioftpd_command_duration_seconds_sum\\{command=\"NOOP\"} \\d+\\.\\d{9}\n.*"),
                body);
        // cumulative buckets never go down, and le values are Prometheus floats
        List<Long> noop = new ArrayList<>();
        Matcher b = Pattern.compile("nioftpd_command_duration_seconds_bucket\\{command=\"NOOP\",le=\"([0-9.e+Inf-]+)\"} (\\d+)")
                .matcher(body);
        while (b.find()) {
            noop.add(Long.parseLong(b.group(2)));
            assertTrue(b.group(1).equals("+Inf") || b.group(1).matches("\\d+\\.\\d+"), b.group(1));
        }
        assertEquals(org.nioftpd.Histogram.COMMAND_BOUNDS.size() + 1, noop.size());
        for (int i = 1; i < noop.size(); i++) {
            assertTrue(noop.get(i) >= noop.get(i - 1), noop.toString());
        }
        assertTrue(body.contains("le=\"0.0001\""), body);
        assertTrue(body.contains("le=\"1.0\""), body);
    }

    @Test
    void whoPageShowsTheSessionInAHeadlessBrowser() throws Exception {
        Files.write(dir.resolve("big.bin"), new byte[SIZE]);
        Daemon d = start("--metrics-listen", "127.0.0.1:0", "--user", "alice:pw", "--max-download-rate", "256K");
        try (RawClient c = new RawClient(d.server().port())) {
            c.reply();
            c.login("alice", "pw");
            Socket data = downloading(c);
            HttpResponse<String> page = get(d, "/who");
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'none'"));
            assertTrue(page.body().contains("<meta http-equiv=\"refresh\" content=\"5\">"), page.body());

            Path chromium = Path.of("/usr/bin/chromium");
            assumeTrue(Files.isExecutable(chromium), "chromium not installed (/usr/bin/chromium)");
            Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
            Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile,
                    "--dump-dom", "http://" + metrics(d) + "/who")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] dom;
            try (InputStream in = p.getInputStream()) {
                dom = in.readAllBytes();
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium ended");
            String html = new String(dom, StandardCharsets.UTF_8);
            assertTrue(html.contains("<td class=\"user\">alice</td>"), html);
            assertTrue(html.contains("download /big.bin"), html);
            assertTrue(html.matches("(?s).*<progress max=\"1\" value=\"0\\.\\d+\"></progress> \\d+%.*"), html);
            assertTrue(html.contains("1 session at"), html);
            data.close();
        }
    }

    @Test
    void checkConfigWarnsOfAnOpenListenerAndATokenOthersCanRead() throws Exception {
        Outcome open = runWithoutServer(withDefaults("--metrics-listen", "0.0.0.0:0", "--check-config"));
        assertEquals(0, open.status(), open.err());
        assertTrue(open.err().contains("is not a loopback address and has no --metrics-token"), open.err());

        Path token = Files.writeString(dir.resolve("token"), "abc\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Outcome readable = runWithoutServer(withDefaults("--metrics-listen", "127.0.0.1:0", "--metrics-token",
                token.toString(), "--check-config"));
        assertEquals(0, readable.status(), readable.err());
        assertTrue(readable.err().contains("is readable by every local user"), readable.err());

        Files.writeString(token, "\n");
        Outcome empty = runWithoutServer(withDefaults("--metrics-listen", "127.0.0.1:0", "--metrics-token",
                token.toString(), "--check-config"));
        assertEquals(2, empty.status(), empty.err());
        assertTrue(empty.err().contains("is empty"), empty.err());
    }
}

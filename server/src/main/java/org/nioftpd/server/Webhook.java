package org.nioftpd.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.event.Operation;

/**
 * {@code --webhook URL}: each operation of the configured kinds is POSTed to
 * the URL as one JSON object (the JDK's HttpClient). {@link #operation} (on
 * a loop thread) only queues; one sender thread delivers in order. A delivery
 * that fails (no connection, a timeout, a status other than 2xx) is retried
 * up to {@code retries} times with a doubling back-off, then given up, logged
 * and counted. A full queue drops the event, logged and counted.
 */
final class Webhook implements FtpEvents, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Webhook.class.getName());
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final URI url;
    private final Set<Operation.Kind> kinds;
    private final int retries;
    private final Duration firstBackoff;
    private final BlockingQueue<Operation> queue;
    private final HttpClient client;
    private final Thread sender;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closing;

    Webhook(URI url, Set<Operation.Kind> kinds, int retries, int queue, Duration firstBackoff) {
        this.url = url;
        this.kinds = kinds.isEmpty() ? EnumSet.noneOf(Operation.Kind.class) : EnumSet.copyOf(kinds);
        this.retries = retries;
        this.firstBackoff = firstBackoff;
        this.queue = new ArrayBlockingQueue<>(queue);
        this.client = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.sender = new Thread(this::deliverAll, "nioftpd-webhook");
        this.sender.setDaemon(true);
        this.sender.start();
    }

    @Override
    public void operation(Operation op) {
        if (!kinds.contains(op.kind())) {
            return;
        }
        if (!queue.offer(op)) {
            long n = dropped.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "webhook event " + Actions.word(op.kind()) + " " + op.path()
                    + " dropped: queue full (" + n + " dropped so far)");
        }
    }

    /** The sender thread: one event at a time, in order. */
    private void deliverAll() {
        try {
            while (!closing || !queue.isEmpty()) {
                Operation op = queue.poll(200, TimeUnit.MILLISECONDS);
                if (op != null) {
                    deliver(op);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(Operation op) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json")
                .header("User-Agent", "nioftpd")
                .POST(HttpRequest.BodyPublishers.ofString(json(op))).build();
        long backoff = firstBackoff.toMillis();
        String last = null;
        for (int attempt = 0; attempt <= retries; attempt++) {
            if (attempt > 0) {
                // The sender's own thread waits out the back-off: no session is behind it.
                TimeUnit.MILLISECONDS.sleep(backoff);
                backoff = Math.min(backoff * 2, 60_000);
            }
            try {
                HttpResponse<Void> r = client.send(request, HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    delivered.incrementAndGet();
                    return;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
            }
        }
        LOG.log(System.Logger.Level.WARNING, "webhook " + url + ": gave up on " + Actions.word(op.kind()) + " "
                + op.path() + " after " + (retries + 1) + " attempts, last: " + last);
        failed.incrementAndGet();
    }

    /** {@code --webhook}'s value: an absolute http or https URL with a host. */
    static URI url(String text) throws Values.BadValue {
        URI u;
        try {
            u = new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw new Values.BadValue("not a URL: " + Values.quote(text));
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Values.BadValue("not an http:// or https:// URL: " + Values.quote(text));
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new Values.BadValue("no host in " + Values.quote(text));
        }
        return u;
    }

    /** {@code --webhook-events}'s value: kinds of operation, comma-separated ({@code upload,delete}), or all. */
    static Set<Operation.Kind> kinds(String text) throws Values.BadValue {
        if (text.trim().equalsIgnoreCase("all")) {
            return EnumSet.allOf(Operation.Kind.class);
        }
        Set<Operation.Kind> kinds = EnumSet.noneOf(Operation.Kind.class);
        for (String word : text.split(",", -1)) {
            String w = word.trim().toUpperCase(java.util.Locale.ROOT);
            try {
                kinds.add(Operation.Kind.valueOf(w));
            } catch (IllegalArgumentException e) {
                throw new Values.BadValue("unknown event " + Values.quote(word.trim()) + " (known: all, "
                        + String.join(",", java.util.Arrays.stream(Operation.Kind.values()).map(Actions::word)
                        .toList()) + ")");
            }
        }
        return kinds;
    }

    /** One operation as a JSON object. */
    static String json(Operation op) {
        StringBuilder sb = new StringBuilder(256).append('{');
        field(sb, "event", Actions.word(op.kind()));
        field(sb, "verb", op.verb());
        field(sb, "user", op.user());
        field(sb, "address", op.client().getAddress().getHostAddress());
        field(sb, "path", op.path());
        field(sb, "file", op.file());
        field(sb, "target_path", op.targetPath());
        field(sb, "target_file", op.targetFile());
        sb.append("\"reply_code\":").append(op.replyCode()).append(',');
        sb.append("\"ok\":").append(op.ok()).append(',');
        sb.append("\"bytes\":").append(op.bytes()).append(',');
        sb.append("\"duration_ms\":").append(op.durationMillis()).append(',');
        field(sb, "time", Instant.ofEpochMilli(op.startMillis()).toString());
        sb.setLength(sb.length() - 1);
        return sb.append('}').toString();
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append('"').append(name).append("\":");
        if (value == null) {
            sb.append("null");
        } else {
            Logging.Json.string(sb, value);
        }
        sb.append(',');
    }

    long delivered() {
        return delivered.get();
    }

    long failed() {
        return failed.get();
    }

    long dropped() {
        return dropped.get();
    }

    /** Delivers what is queued for up to {@code grace}, then stops. */
    void close(Duration grace) {
        closing = true;
        try {
            sender.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) {
            sender.interrupt();
            LOG.log(System.Logger.Level.WARNING, "webhook: stopping with " + queue.size() + " events not sent");
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}

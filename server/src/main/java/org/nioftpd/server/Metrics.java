package org.nioftpd.server;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.nioftpd.FtpServer;
import org.nioftpd.FtpStats;

/**
 * What monitoring sees: JMX MBeans ({@code org.nioftpd:type=Server}, one
 * {@code org.nioftpd:type=EventLoop,name=...} per loop, and
 * {@code org.nioftpd:type=Sessions} with {@code list()} and {@code kick(target)})
 * and, with {@code --metrics-listen}, the JDK's own HTTP server with:
 * <ul>
 * <li>{@code GET /metrics}: the numbers and latency histograms in the Prometheus text format;</li>
 * <li>{@code GET /sessions}: who is connected, as JSON ({@link SessionsJson});</li>
 * <li>{@code POST /sessions/kick?target=ID|USER|ADDRESS}: ends the matching sessions;</li>
 * <li>{@code GET /who}: the same view as a small HTML page that refreshes itself.</li>
 * </ul>
 * Access: with {@code --metrics-token}, every path wants the token (401
 * otherwise); without one, the session paths are served only on a loopback
 * listener, and only to requests whose Host is a loopback name or address
 * (so a web page cannot read them through DNS rebinding). A kick is a POST,
 * refused when a browser says it comes from another origin.
 */
final class Metrics implements AutoCloseable {

    /** The server's numbers, as a standard MBean. */
    public interface ServerMBean {
        int getSessions();

        long getConnections();

        long getLogins();

        long getFailedLogins();

        long getTransfers();

        long getFailedTransfers();

        long getBytesIn();

        long getBytesOut();

        long getErrors();

        long getRefusedConnections();
    }

    /** One event loop's numbers. */
    public interface LoopMBean {
        int getChannels();

        long getHandledEvents();

        double getLoad();
    }

    /** Who is connected, and ending a session: {@code org.nioftpd:type=Sessions}. */
    public interface SessionsMBean {
        /** The live sessions as JSON, the same document as {@code GET /sessions}. */
        String list();

        /** Sessions open now. */
        int getCount();

        /** Ends the sessions {@code target} names (id, user, client address); returns the ids ended. */
        String[] kick(String target);
    }

    /** Bans in force, and banning by hand: {@code org.nioftpd:type=Bans}. */
    public interface BansMBean {
        /** The bans in force as JSON, the same document as {@code GET /bans}. */
        String list();

        /** Bans {@code network} (an address or CIDR) for {@code seconds}; ends its sessions. */
        void ban(String network, long seconds, String reason);

        /** Lifts the bans on {@code network} and inside it; returns how many. */
        int unban(String network);
    }

    private final FtpServer server;
    private final List<ObjectName> registered = new ArrayList<>();
    private HttpServer http;
    /** The bearer token, or null: then session paths are loopback only. */
    private final String token;

    private final Actions actions;
    private final Webhook webhook;

    Metrics(FtpServer server) {
        this(server, null, null, null);
    }

    Metrics(FtpServer server, String token) {
        this(server, token, null, null);
    }

    /** With a bearer token (or null) and the daemon's actions and webhook (each may be null), whose counters are shown too. */
    Metrics(FtpServer server, String token, Actions actions, Webhook webhook) {
        this.server = server;
        this.token = token;
        this.actions = actions;
        this.webhook = webhook;
    }

    /** The first line of {@code file}, stripped: a metrics token. Empty or unreadable is an error. */
    static String readToken(java.nio.file.Path file) throws IOException {
        String first = java.nio.file.Files.readAllLines(file, StandardCharsets.UTF_8).stream().findFirst()
                .orElse("").strip();
        if (first.isEmpty()) {
            throw new IOException("the metrics token file " + file + " is empty");
        }
        return first;
    }

    /** Registers the MBeans with the platform MBean server. */
    void registerJmx() throws JMException {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        FtpStats s = server.stats();
        ServerMBean bean = new ServerMBean() {
            public int getSessions() {
                return server.sessionCount();
            }

            public long getConnections() {
                return s.connections();
            }

            public long getLogins() {
                return s.logins();
            }

            public long getFailedLogins() {
                return s.failedLogins();
            }

            public long getTransfers() {
                return s.transfers();
            }

            public long getFailedTransfers() {
                return s.failedTransfers();
            }

            public long getBytesIn() {
                return s.bytesIn();
            }

            public long getBytesOut() {
                return s.bytesOut();
            }

            public long getErrors() {
                return s.errors();
            }

            public long getRefusedConnections() {
                return s.refusedConnections();
            }
        };
        register(mbs, new javax.management.StandardMBean(bean, ServerMBean.class), "org.nioftpd:type=Server");
        SessionsMBean sessions = new SessionsMBean() {
            public String list() {
                return SessionsJson.sessions(server.sessions(), java.time.Instant.now());
            }

            public int getCount() {
                return server.sessionCount();
            }

            public String[] kick(String target) {
                List<String> ids = server.kick(target == null ? "" : target);
                if (!ids.isEmpty()) {
                    LOG.log(System.Logger.Level.INFO, "kicked " + ids + " (JMX, target " + target + ")");
                }
                return ids.toArray(String[]::new);
            }
        };
        register(mbs, new javax.management.StandardMBean(sessions, SessionsMBean.class),
                "org.nioftpd:type=Sessions");
        BansMBean bans = new BansMBean() {
            public String list() {
                return SessionsJson.bans(server.bans(), java.time.Instant.now());
            }

            public void ban(String network, long seconds, String reason) {
                server.ban(network, java.time.Duration.ofSeconds(seconds), reason);
            }

            public int unban(String network) {
                return server.unban(network);
            }
        };
        register(mbs, new javax.management.StandardMBean(bans, BansMBean.class), "org.nioftpd:type=Bans");
        List<FtpServer.LoopStats> loops = server.loopStats();
        for (int i = 0; i < loops.size(); i++) {
            int index = i;
            LoopMBean lb = new LoopMBean() {
                public int getChannels() {
                    return server.loopStats().get(index).channels();
                }

                public long getHandledEvents() {
                    return server.loopStats().get(index).handledEvents();
                }

                public double getLoad() {
                    return server.loopStats().get(index).load();
                }
            };
            register(mbs, new javax.management.StandardMBean(lb, LoopMBean.class),
                    "org.nioftpd:type=EventLoop,name=" + ObjectName.quote(loops.get(i).name()));
        }
    }

    private void register(MBeanServer mbs, Object bean, String name) throws JMException {
        ObjectName on = new ObjectName(name);
        if (mbs.isRegistered(on)) {
            mbs.unregisterMBean(on); // a second server in the same JVM (tests) replaces the first
        }
        mbs.registerMBean(bean, on);
        registered.add(on);
    }

    /** Serves {@code /metrics}, {@code /sessions}, {@code /sessions/kick} and {@code /who} on {@code address}. */
    void serveHttp(InetSocketAddress address) throws IOException {
        http = HttpServer.create(address, 16);
        http.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "metrics request failed: " + e);
            }
        });
        http.setExecutor(null); // the HTTP server's own single thread: requests are rare and cheap
        http.start();
    }

    private static final System.Logger LOG = System.getLogger(Metrics.class.getName());

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        boolean sessionPath = path.equals("/sessions") || path.equals("/sessions/kick") || path.equals("/who")
                || path.equals("/sessions.html") || path.equals("/bans") || path.equals("/bans/add")
                || path.equals("/bans/remove");
        if (!path.equals("/metrics") && !sessionPath) {
            send(exchange, 404, "text/plain; charset=utf-8", "not found: try /metrics, /sessions, /bans or /who\n");
            return;
        }
        if (token != null) {
            if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                // Basic for the page (a browser asks for it: any user name, the token as password)
                exchange.getResponseHeaders().set("WWW-Authenticate",
                        path.equals("/who") || path.equals("/sessions.html")
                                ? "Basic realm=\"nioftpd\", charset=\"UTF-8\"" : "Bearer realm=\"nioftpd\"");
                send(exchange, 401, "text/plain; charset=utf-8", "a token is required (--metrics-token)\n");
                return;
            }
        } else if (sessionPath) {
            if (!http.getAddress().getAddress().isLoopbackAddress()) {
                send(exchange, 403, "text/plain; charset=utf-8",
                        "sessions are served on a non-loopback listener only with --metrics-token\n");
                return;
            }
            if (!loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
                send(exchange, 403, "text/plain; charset=utf-8", "Host must be a loopback address\n");
                return;
            }
        }
        switch (path) {
            case "/metrics" -> {
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    notAllowed(exchange, "GET");
                    return;
                }
                send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", prometheus());
            }
            case "/sessions" -> {
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    notAllowed(exchange, "GET");
                    return;
                }
                if ("table".equals(query(exchange.getRequestURI().getRawQuery(), "format"))) {
                    send(exchange, 200, "text/plain; charset=utf-8",
                            SessionsJson.table(server.sessions(), java.time.Instant.now()));
                } else {
                    send(exchange, 200, "application/json; charset=utf-8",
                            SessionsJson.sessions(server.sessions(), java.time.Instant.now()));
                }
            }
            case "/sessions/kick" -> kick(exchange);
            case "/bans" -> {
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    notAllowed(exchange, "GET");
                    return;
                }
                if ("table".equals(query(exchange.getRequestURI().getRawQuery(), "format"))) {
                    send(exchange, 200, "text/plain; charset=utf-8",
                            SessionsJson.bansTable(server.bans(), java.time.Instant.now()));
                } else {
                    send(exchange, 200, "application/json; charset=utf-8",
                            SessionsJson.bans(server.bans(), java.time.Instant.now()));
                }
            }
            case "/bans/add", "/bans/remove" -> banOrUnban(exchange, path.equals("/bans/add"));
            default -> { // /who, /sessions.html
                if (!method.equals("GET") && !method.equals("HEAD")) {
                    notAllowed(exchange, "GET");
                    return;
                }
                exchange.getResponseHeaders().set("Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'");
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                send(exchange, 200, "text/html; charset=utf-8",
                        WhoPage.html(server.sessions(), java.time.Instant.now(), Main.version()));
            }
        }
    }

    private void kick(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            notAllowed(exchange, "POST");
            return;
        }
        if (crossOrigin(exchange)) {
            send(exchange, 403, "text/plain; charset=utf-8", "cross-origin kick refused\n");
            return;
        }
        String target = query(exchange.getRequestURI().getRawQuery(), "target");
        if (target == null || target.isBlank()) {
            send(exchange, 400, "text/plain; charset=utf-8", "give ?target=ID|USER|ADDRESS\n");
            return;
        }
        List<String> ids = server.kick(target);
        LOG.log(System.Logger.Level.INFO, "kicked " + ids + " (HTTP from "
                + Logging.address(exchange.getRemoteAddress()) + ", target "
                + org.nioftpd.server.SessionsJson.printable(target) + ")");
        send(exchange, 200, "application/json; charset=utf-8", SessionsJson.kicked(target, ids));
    }

    /**
     * POST /bans/add?target=NETWORK&seconds=N[&reason=TEXT] and
     * POST /bans/remove?target=NETWORK: the same guards as a kick (POST only,
     * no cross-origin browser), answered with the bans in force after it.
     */
    private void banOrUnban(HttpExchange exchange, boolean add) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            notAllowed(exchange, "POST");
            return;
        }
        if (crossOrigin(exchange)) {
            send(exchange, 403, "text/plain; charset=utf-8", "cross-origin ban refused\n");
            return;
        }
        String raw = exchange.getRequestURI().getRawQuery();
        String target = query(raw, "target");
        if (target == null || target.isBlank()) {
            send(exchange, 400, "text/plain; charset=utf-8", "give ?target=ADDRESS|CIDR\n");
            return;
        }
        String from = Logging.address(exchange.getRemoteAddress());
        try {
            if (add) {
                String seconds = query(raw, "seconds");
                long n;
                try {
                    n = seconds == null ? 3600 : Long.parseLong(seconds);
                } catch (NumberFormatException e) {
                    n = -1;
                }
                if (n <= 0) {
                    send(exchange, 400, "text/plain; charset=utf-8", "seconds must be a positive whole number\n");
                    return;
                }
                String reason = query(raw, "reason");
                server.ban(target, java.time.Duration.ofSeconds(n),
                        reason == null || reason.isBlank() ? "banned by the operator (HTTP from " + from + ")"
                                : SessionsJson.printable(reason));
            } else {
                int lifted = server.unban(target);
                LOG.log(System.Logger.Level.INFO, "unban " + SessionsJson.printable(target) + " (HTTP from " + from
                        + "): " + lifted + " lifted");
            }
        } catch (IllegalArgumentException | IllegalStateException e) {
            send(exchange, 400, "text/plain; charset=utf-8", SessionsJson.printable(e.getMessage()) + "\n");
            return;
        }
        send(exchange, 200, "application/json; charset=utf-8", SessionsJson.bans(server.bans(), java.time.Instant.now()));
    }

    /**
     * A browser posting from another page (CSRF): only the CLI, curl and this
     * listener's own origin may kick or ban.
     */
    private static boolean crossOrigin(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        String host = exchange.getRequestHeaders().getFirst("Host");
        return origin != null && (host == null || !origin.equals("http://" + host));
    }

    /** The value of {@code name} in a raw query string, decoded; null if absent. */
    static String query(String rawQuery, String name) {
        if (rawQuery == null) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                return eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Bearer TOKEN, or Basic with TOKEN as the password, compared in constant time. */
    private boolean authorized(String header) {
        if (header == null) {
            return false;
        }
        String given = null;
        if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = header.substring(7).strip();
        } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(java.util.Base64.getDecoder().decode(header.substring(6).strip()),
                        StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                given = colon < 0 ? pair : pair.substring(colon + 1);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        return given != null && java.security.MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }

    /** localhost, 127.x.y.z or [::1], with or without a port; names other than localhost are refused. */
    static boolean loopbackHost(String host) {
        if (host == null) {
            return true; // HTTP/1.0 without Host: not a browser
        }
        String h = host.strip();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            h = close < 0 ? h : h.substring(1, close);
        } else if (h.indexOf(':') >= 0) {
            h = h.substring(0, h.indexOf(':'));
        }
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false; // a name: never resolved, never trusted
        }
        try {
            return java.net.InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static void notAllowed(HttpExchange exchange, String allow) throws IOException {
        exchange.getResponseHeaders().set("Allow", allow);
        send(exchange, 405, "text/plain; charset=utf-8", "method not allowed; use " + allow + "\n");
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    InetSocketAddress httpAddress() {
        return http == null ? null : http.getAddress();
    }

    /** The Prometheus text exposition format, version 0.0.4. */
    String prometheus() {
        FtpStats s = server.stats();
        StringBuilder sb = new StringBuilder(2048);
        gauge(sb, "nioftpd_sessions", "Sessions open now.", server.sessionCount());
        counter(sb, "nioftpd_connections_total", "Control connections admitted.", s.connections());
        counter(sb, "nioftpd_logins_total", "Successful logins.", s.logins());
        counter(sb, "nioftpd_failed_logins_total", "Failed logins.", s.failedLogins());
        counter(sb, "nioftpd_transfers_total", "File transfers completed.", s.transfers());
        counter(sb, "nioftpd_failed_transfers_total", "File transfers that did not complete.", s.failedTransfers());
        counter(sb, "nioftpd_received_bytes_total", "Bytes received in uploads.", s.bytesIn());
        counter(sb, "nioftpd_sent_bytes_total", "Bytes sent in downloads.", s.bytesOut());
        counter(sb, "nioftpd_errors_total", "Local errors and broken connections.", s.errors());
        if (actions != null) {
            counter(sb, "nioftpd_actions_started_total", "Action commands started (--on-upload...).",
                    actions.started());
            counter(sb, "nioftpd_actions_failed_total", "Action commands that exited non-zero, timed out or"
                    + " could not start.", actions.failed());
            counter(sb, "nioftpd_actions_dropped_total", "Actions dropped: queue full.", actions.dropped());
        }
        if (webhook != null) {
            counter(sb, "nioftpd_webhook_delivered_total", "Webhook events delivered.", webhook.delivered());
            counter(sb, "nioftpd_webhook_failed_total", "Webhook events given up after the retries.",
                    webhook.failed());
            counter(sb, "nioftpd_webhook_dropped_total", "Webhook events dropped: queue full.", webhook.dropped());
        }
        counter(sb, "nioftpd_refused_connections_total",
                "Connections refused before a session: address rules, bans, caps.", s.refusedConnections());
        sb.append("# HELP nioftpd_loop_channels Channels registered on an event loop.\n");
        sb.append("# TYPE nioftpd_loop_channels gauge\n");
        List<FtpServer.LoopStats> loops = server.loopStats();
        for (FtpServer.LoopStats loop : loops) {
            sb.append("nioftpd_loop_channels{loop=\"").append(loop.name()).append("\"} ")
                    .append(loop.channels()).append('\n');
        }
        sb.append("# HELP nioftpd_loop_load Share of time an event loop spends working, 0 to 1.\n");
        sb.append("# TYPE nioftpd_loop_load gauge\n");
        for (FtpServer.LoopStats loop : loops) {
            sb.append("nioftpd_loop_load{loop=\"").append(loop.name()).append("\"} ")
                    .append(String.format(Locale.ROOT, "%.4f", loop.load())).append('\n');
        }
        sb.append("# HELP nioftpd_command_duration_seconds Time from a command's line to its final reply"
                + " (for transfer commands, the data included).\n");
        sb.append("# TYPE nioftpd_command_duration_seconds histogram\n");
        s.commandLatencies().forEach((command, h) ->
                histogram(sb, "nioftpd_command_duration_seconds", "command=\"" + command + "\"", h));
        sb.append("# HELP nioftpd_transfer_duration_seconds How long file transfers took, complete or not.\n");
        sb.append("# TYPE nioftpd_transfer_duration_seconds histogram\n");
        histogram(sb, "nioftpd_transfer_duration_seconds", "direction=\"download\"", s.downloadDurations());
        histogram(sb, "nioftpd_transfer_duration_seconds", "direction=\"upload\"", s.uploadDurations());
        return sb.toString();
    }

    /** One histogram's samples: cumulative {@code _bucket{le=...}} up to +Inf, {@code _sum} and {@code _count}. */
    static void histogram(StringBuilder sb, String name, String labels, org.nioftpd.Histogram h) {
        long[] counts = h.counts();
        long sum = h.sumNanos();
        List<Double> bounds = h.bounds();
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            cumulative += counts[i];
            sb.append(name).append("_bucket{").append(labels).append(",le=\"")
                    .append(i < bounds.size() ? le(bounds.get(i)) : "+Inf").append("\"} ").append(cumulative)
                    .append('\n');
        }
        sb.append(name).append("_sum{").append(labels).append("} ")
                .append(String.format(Locale.ROOT, "%.9f", sum / 1e9)).append('\n');
        sb.append(name).append("_count{").append(labels).append("} ").append(cumulative).append('\n');
    }

    /** A bound as Prometheus clients write it: 0.001, 1.0, 2.5. */
    private static String le(double bound) {
        return java.math.BigDecimal.valueOf(bound).stripTrailingZeros().scale() <= 0
                ? java.math.BigDecimal.valueOf(bound).setScale(1).toPlainString()
                : java.math.BigDecimal.valueOf(bound).stripTrailingZeros().toPlainString();
    }

    private static void counter(StringBuilder sb, String name, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        sb.append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
        sb.append(name).append(' ').append(value).append('\n');
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName on : registered) {
            try {
                mbs.unregisterMBean(on);
            } catch (JMException ignored) {
                // already gone
            }
        }
    }
}

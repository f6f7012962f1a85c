package org.nioftpd.server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The admin subcommands, clients of a running daemon's metrics listener:
 * <pre>
 * java -jar nioftpd.jar who  [--metrics HOST:PORT] [--token-file FILE] [--config FILE] [--json]
 * java -jar nioftpd.jar kick ID|USER|ADDRESS [--metrics HOST:PORT] [--token-file FILE] [--config FILE]
 * </pre>
 * {@code who} prints who is connected ({@code GET /sessions}); {@code kick}
 * ends the sessions its target names ({@code POST /sessions/kick}). The
 * listener is {@code --metrics}, else the {@code metrics-listen} of
 * {@code --config}'s file, else 127.0.0.1:2122; the token is
 * {@code --token-file}, else that file's {@code metrics-token}. Exit status 0;
 * 1 when the daemon cannot be reached, refuses, or (kick) no session matched;
 * 2 for a bad command line.
 */
final class Admin {

    static final String WHO = "who";
    static final String KICK = "kick";
    static final InetSocketAddress DEFAULT_METRICS = new InetSocketAddress(InetAddress.getLoopbackAddress(), 2122);

    private Admin() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String command = args[0];
        InetSocketAddress metrics = null;
        Path tokenFile = null;
        String config = null;
        boolean json = false;
        String target = null;
        try {
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                String value = null;
                int eq = a.indexOf('=');
                if (a.startsWith("--") && eq > 0) {
                    value = a.substring(eq + 1);
                    a = a.substring(0, eq);
                }
                switch (a) {
                    case "--metrics" -> metrics = Values.hostPort(value != null ? value : next(args, ++i, a));
                    case "--token-file" -> tokenFile = Values.existingFile(value != null ? value : next(args, ++i, a));
                    case "--config" -> config = value != null ? value : next(args, ++i, a);
                    case "--json" -> {
                        if (!command.equals(WHO)) {
                            throw new Values.BadValue("--json is an option of who");
                        }
                        json = true;
                    }
                    case "--help", "-h" -> {
                        out.print(usage());
                        out.flush();
                        return 0;
                    }
                    default -> {
                        if (a.startsWith("-") || !command.equals(KICK) || target != null) {
                            throw new Values.BadValue("unexpected argument " + Values.quote(args[i]));
                        }
                        target = a;
                    }
                }
            }
            if (command.equals(KICK) && (target == null || target.isBlank())) {
                throw new Values.BadValue("kick needs a target: a session id, a user name or a client address");
            }
            if (config != null && (metrics == null || tokenFile == null)) {
                Options o = Options.parse(new String[] {"--config", config});
                if (metrics == null) {
                    metrics = o.metricsListen();
                    if (metrics == null) {
                        throw new Values.BadValue(config + " sets no metrics-listen: the daemon serves no sessions");
                    }
                }
                if (tokenFile == null) {
                    tokenFile = o.metricsToken();
                }
            }
        } catch (Values.BadValue | Options.UsageError e) {
            err.println("nioftpd " + command + ": " + e.getMessage());
            err.print(usage());
            err.flush();
            return 2;
        }
        InetSocketAddress at = reachable(metrics == null ? DEFAULT_METRICS : metrics);
        String base = "http://" + Logging.address(at);
        try {
            String token = tokenFile == null ? null : Metrics.readToken(tokenFile);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest.Builder request;
            if (command.equals(WHO)) {
                request = HttpRequest.newBuilder(URI.create(base + "/sessions" + (json ? "" : "?format=table"))).GET();
            } else {
                request = HttpRequest.newBuilder(URI.create(base + "/sessions/kick?target="
                        + URLEncoder.encode(target, StandardCharsets.UTF_8))).POST(HttpRequest.BodyPublishers.noBody());
            }
            request.timeout(Duration.ofSeconds(15));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (r.statusCode() != 200) {
                err.println("nioftpd " + command + ": " + base + " answered " + r.statusCode() + ": "
                        + SessionsJson.printable(r.body().strip()));
                err.flush();
                return 1;
            }
            if (command.equals(WHO)) {
                out.print(r.body());
                out.flush();
                return 0;
            }
            String body = r.body();
            int open = body.lastIndexOf("\"kicked\":[");
            String ids = open < 0 ? "" : body.substring(open + 10, body.indexOf(']', open)).replace("\"", "")
                    .replace(",", ", ");
            if (ids.isEmpty()) {
                err.println("nioftpd kick: no session matches " + Values.quote(target));
                err.flush();
                return 1;
            }
            int n = ids.split(", ").length;
            out.println("kicked " + n + (n == 1 ? " session: " : " sessions: ") + ids);
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println("nioftpd " + command + ": cannot reach the daemon's metrics listener at " + base + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.toString())
                    + " (is it running with --metrics-listen? give --metrics HOST:PORT or --config FILE)");
            err.flush();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** A wildcard listen address (0.0.0.0, ::) is reached on loopback. */
    private static InetSocketAddress reachable(InetSocketAddress a) {
        if (a.getAddress() != null && a.getAddress().isAnyLocalAddress()) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), a.getPort());
        }
        return a;
    }

    private static String next(String[] args, int i, String option) throws Values.BadValue {
        if (i >= args.length) {
            throw new Values.BadValue(option + " needs a value");
        }
        return args[i];
    }

    static String usage() {
        return """
                usage: java -jar nioftpd.jar who  [--metrics HOST:PORT] [--token-file FILE] [--config FILE] [--json]
                       java -jar nioftpd.jar kick ID|USER|ADDRESS [--metrics HOST:PORT] [--token-file FILE] [--config FILE]
                  who   lists the sessions of a running daemon: user, client, idle time, transfer and progress
                  kick  ends the sessions with that id, user name or client address (421 to the client)
                  --metrics     the daemon's --metrics-listen (default 127.0.0.1:2122, or --config's)
                  --token-file  the daemon's --metrics-token file (default: --config's, if any)
                  --config      read metrics-listen and metrics-token from the daemon's config file
                """;
    }
}

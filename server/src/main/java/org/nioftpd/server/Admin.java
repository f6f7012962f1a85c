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
 * java -jar nioftpd.jar ban ADDRESS|CIDR [--for DURATION] [--reason TEXT] [...]
 * java -jar nioftpd.jar unban ADDRESS|CIDR [...]
 * java -jar nioftpd.jar bans [--json] [...]
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
    static final String BAN = "ban";
    static final String UNBAN = "unban";
    static final String BANS = "bans";

    /** The subcommands this class runs. */
    static boolean handles(String command) {
        return switch (command) {
            case WHO, KICK, BAN, UNBAN, BANS -> true;
            default -> false;
        };
    }

    /** Whether the subcommand names one target: a session or a network. */
    private static boolean takesTarget(String command) {
        return command.equals(KICK) || command.equals(BAN) || command.equals(UNBAN);
    }

    /** {@code 3600}, {@code 90s}, {@code 30m}, {@code 12h}, {@code 7d}: seconds, at least 1. */
    static long duration(String text) throws Values.BadValue {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        long unit = 1;
        if (!t.isEmpty()) {
            switch (t.charAt(t.length() - 1)) {
                case 's' -> unit = 1;
                case 'm' -> unit = 60;
                case 'h' -> unit = 3600;
                case 'd' -> unit = 86400;
                default -> unit = 0;
            }
            if (unit != 0) {
                t = t.substring(0, t.length() - 1);
            } else {
                unit = 1;
            }
        }
        try {
            long n = Long.parseLong(t);
            if (n >= 1 && n <= 36_500L * 86400 / unit) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new Values.BadValue("--for takes a duration such as 3600, 90s, 30m, 12h or 7d, not " + Values.quote(text));
    }
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
        long seconds = 3600;
        String reason = null;
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
                        if (!command.equals(WHO) && !command.equals(BANS)) {
                            throw new Values.BadValue("--json is an option of who and bans");
                        }
                        json = true;
                    }
                    case "--for" -> {
                        if (!command.equals(BAN)) {
                            throw new Values.BadValue("--for is an option of ban");
                        }
                        seconds = duration(value != null ? value : next(args, ++i, a));
                    }
                    case "--reason" -> {
                        if (!command.equals(BAN)) {
                            throw new Values.BadValue("--reason is an option of ban");
                        }
                        reason = value != null ? value : next(args, ++i, a);
                    }
                    case "--help", "-h" -> {
                        out.print(usage());
                        out.flush();
                        return 0;
                    }
                    default -> {
                        if (a.startsWith("-") || !takesTarget(command) || target != null) {
                            throw new Values.BadValue("unexpected argument " + Values.quote(args[i]));
                        }
                        target = a;
                    }
                }
            }
            if (command.equals(KICK) && (target == null || target.isBlank())) {
                throw new Values.BadValue("kick needs a target: a session id, a user name or a client address");
            }
            if ((command.equals(BAN) || command.equals(UNBAN)) && (target == null || target.isBlank())) {
                throw new Values.BadValue(command + " needs a network: an IP address or CIDR (192.0.2.7, 10.0.0.0/8)");
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
            } else if (command.equals(BANS)) {
                request = HttpRequest.newBuilder(URI.create(base + "/bans" + (json ? "" : "?format=table"))).GET();
            } else if (command.equals(BAN) || command.equals(UNBAN)) {
                String q = "?target=" + URLEncoder.encode(target, StandardCharsets.UTF_8);
                if (command.equals(BAN)) {
                    q += "&seconds=" + seconds
                            + (reason == null ? "" : "&reason=" + URLEncoder.encode(reason, StandardCharsets.UTF_8));
                }
                request = HttpRequest.newBuilder(URI.create(base + (command.equals(BAN) ? "/bans/add" : "/bans/remove")
                        + q)).POST(HttpRequest.BodyPublishers.noBody());
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
            if (command.equals(WHO) || command.equals(BANS)) {
                out.print(r.body());
                out.flush();
                return 0;
            }
            if (command.equals(BAN)) {
                out.println("banned " + target + " for " + seconds + " s; its sessions were ended");
                out.flush();
                return 0;
            }
            if (command.equals(UNBAN)) {
                out.println("unbanned " + target);
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
                       java -jar nioftpd.jar ban ADDRESS|CIDR [--for 3600|30m|12h|7d] [--reason TEXT] [...]
                       java -jar nioftpd.jar unban ADDRESS|CIDR [...]
                       java -jar nioftpd.jar bans [--json] [...]
                  who   lists the sessions of a running daemon: user, client, idle time, transfer and progress
                  kick  ends the sessions with that id, user name or client address (421 to the client)
                  ban   refuses new connections from that network (default for 1 hour) and ends its sessions
                  unban lifts the bans on that network and on every network inside it
                  bans  lists the bans in force, manual and from failed logins
                  --metrics     the daemon's --metrics-listen (default 127.0.0.1:2122, or --config's)
                  --token-file  the daemon's --metrics-token file (default: --config's, if any)
                  --config      read metrics-listen and metrics-token from the daemon's config file
                """;
    }
}

package org.nioftpd.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.nioftpd.SessionInfo;

/**
 * Who is connected, written three ways from the same snapshots: JSON
 * ({@code GET /sessions}, JMX {@code list()}), a text table like pure-ftpwho's
 * ({@code GET /sessions?format=table}, what {@code nioftpd who} prints), and
 * the reply to a kick. Every client-chosen string (user names, command lines,
 * file names) is made printable first, then escaped for its format.
 *
 * <pre>{@code
 * {"time":"2026-12-03T13:00:00Z","count":1,"sessions":[{"id":"7","user":"alice",
 *  "client":"127.0.0.1:50312","listener":"127.0.0.1:2121","since":"2026-12-03T12:59:40Z",
 *  "connectedSeconds":20.0,"idleSeconds":0.0,"command":"RETR big.iso","tls":false,
 *  "transfer":{"file":"/big.iso","direction":"download","bytes":1048576,"size":4194304,
 *  "progress":0.25,"bytesPerSecond":524288.0,"started":"2026-12-03T12:59:58Z"}}]}
 * }</pre>
 */
final class SessionsJson {

    private SessionsJson() {
    }

    static String sessions(List<SessionInfo> sessions, Instant now) {
        StringBuilder sb = new StringBuilder(256 + 400 * sessions.size());
        sb.append("{\"time\":\"").append(now).append("\",\"count\":").append(sessions.size())
                .append(",\"sessions\":[");
        for (int i = 0; i < sessions.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            session(sb, sessions.get(i), now);
        }
        return sb.append("]}\n").toString();
    }

    private static void session(StringBuilder sb, SessionInfo s, Instant now) {
        sb.append("{\"id\":");
        string(sb, s.id());
        sb.append(",\"user\":");
        string(sb, s.user());
        sb.append(",\"client\":");
        string(sb, address(s.client()));
        sb.append(",\"listener\":");
        string(sb, address(s.listener()));
        sb.append(",\"since\":\"").append(s.since()).append('"');
        sb.append(",\"connectedSeconds\":").append(seconds(Duration.between(s.since(), now)));
        sb.append(",\"idleSeconds\":").append(seconds(s.idle()));
        sb.append(",\"command\":");
        string(sb, s.command());
        sb.append(",\"tls\":").append(s.tls());
        sb.append(",\"transfer\":");
        SessionInfo.Transfer t = s.transfer();
        if (t == null) {
            sb.append("null");
        } else {
            sb.append("{\"file\":");
            string(sb, t.file());
            sb.append(",\"direction\":\"").append(t.upload() ? "upload" : "download").append('"');
            sb.append(",\"bytes\":").append(t.bytes());
            sb.append(",\"size\":").append(t.size() < 0 ? "null" : Long.toString(t.size()));
            sb.append(",\"progress\":").append(t.progress() < 0 ? "null"
                    : String.format(Locale.ROOT, "%.4f", t.progress()));
            sb.append(",\"bytesPerSecond\":").append(String.format(Locale.ROOT, "%.1f", t.bytesPerSecond()));
            sb.append(",\"started\":").append(t.started() == null ? "null" : "\"" + t.started() + "\"");
            sb.append('}');
        }
        sb.append('}');
    }

    /** The bans in force, as GET /bans answers: network, user, until, reason, manual. */
    static String bans(List<org.nioftpd.FtpServer.Ban> bans, Instant now) {
        StringBuilder sb = new StringBuilder(64 + 160 * bans.size());
        sb.append("{\"time\":\"").append(now).append("\",\"count\":").append(bans.size()).append(",\"bans\":[");
        for (int i = 0; i < bans.size(); i++) {
            org.nioftpd.FtpServer.Ban b = bans.get(i);
            sb.append(i > 0 ? ",{" : "{").append("\"network\":");
            string(sb, b.network());
            sb.append(",\"user\":");
            if (b.user() == null) {
                sb.append("null");
            } else {
                string(sb, b.user());
            }
            sb.append(",\"until\":\"").append(b.until()).append("\",\"reason\":");
            string(sb, b.reason());
            sb.append(",\"manual\":").append(b.manual()).append('}');
        }
        return sb.append("]}\n").toString();
    }

    /** The bans as a table for {@code nioftpd bans}. */
    static String bansTable(List<org.nioftpd.FtpServer.Ban> bans, Instant now) {
        if (bans.isEmpty()) {
            return "no bans in force\n";
        }
        StringBuilder sb = new StringBuilder(String.format("%-43s %-16s %10s %-6s %s%n", "NETWORK", "USER", "LEFT",
                "KIND", "REASON"));
        for (org.nioftpd.FtpServer.Ban b : bans) {
            long left = Math.max(0, java.time.Duration.between(now, b.until()).getSeconds());
            sb.append(String.format("%-43s %-16s %10s %-6s %s%n", b.network(),
                    b.user() == null ? "-" : printable(b.user()), left + "s", b.manual() ? "manual" : "auto",
                    printable(b.reason())));
        }
        return sb.toString();
    }

    static String kicked(String target, List<String> ids) {
        StringBuilder sb = new StringBuilder("{\"target\":");
        string(sb, target);
        sb.append(",\"kicked\":[");
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            string(sb, ids.get(i));
        }
        return sb.append("]}\n").toString();
    }

    /** The pure-ftpwho-like table {@code nioftpd who} prints. */
    static String table(List<SessionInfo> sessions, Instant now) {
        StringBuilder sb = new StringBuilder();
        String format = "%-6s %-12s %-22s %-3s %9s %8s  %-8s %s%n";
        sb.append(String.format(Locale.ROOT, format, "ID", "USER", "CLIENT", "TLS", "CONNECTED", "IDLE", "STATE",
                "FILE / COMMAND"));
        for (SessionInfo s : sessions) {
            SessionInfo.Transfer t = s.transfer();
            String state;
            String what;
            if (t != null) {
                state = t.upload() ? "UL" : "DL";
                what = printable(t.file()) + "  " + bytes(t.bytes())
                        + (t.size() >= 0 ? "/" + bytes(t.size()) + String.format(Locale.ROOT, " (%.0f%%)",
                        t.progress() * 100) : "") + "  " + bytes((long) t.bytesPerSecond()) + "/s";
            } else {
                state = s.user() == null ? "LOGIN" : "IDLE";
                what = s.command() == null ? "" : printable(s.command());
            }
            sb.append(String.format(Locale.ROOT, format, s.id(), clip(s.user() == null ? "-" : printable(s.user()), 12),
                    address(s.client()), s.tls() ? "yes" : "no", clock(Duration.between(s.since(), now)),
                    clock(s.idle()), state, what));
        }
        sb.append(sessions.size()).append(sessions.size() == 1 ? " session\n" : " sessions\n");
        return sb.toString();
    }

    /** h:mm:ss, or m:ss under an hour. */
    static String clock(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** 1023 B, 1.5 KiB, 3.2 MiB, 1.1 GiB. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "~";
    }

    static String address(InetSocketAddress a) {
        return a == null ? null : Logging.address(a);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f", Math.max(0, d.toMillis()) / 1000.0);
    }

    /** No control or bidi characters, bounded: safe for a terminal or a log line. */
    static String printable(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 256));
        for (int i = 0; i < s.length() && sb.length() < 256; i++) {
            char c = s.charAt(i);
            boolean bidi = c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069' || c == '\u200e'
                    || c == '\u200f';
            sb.append(Character.isISOControl(c) || bidi ? '?' : c);
        }
        return sb.toString();
    }

    /** A JSON string (or null), safe inside HTML too: the server's one JSON string writer. */
    static void string(StringBuilder sb, String s) {
        Logging.Json.string(sb, s, true);
    }
}

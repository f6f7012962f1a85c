package org.nioftpd.server;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.nioftpd.SessionInfo;

/**
 * {@code GET /who}: who is connected, as one small self-contained HTML page
 * (no script, no external asset, inline style only) that the browser reloads
 * every 5 seconds by a meta refresh. Read-only: ending a session is
 * {@code nioftpd kick}, JMX or {@code POST /sessions/kick}. Every value is
 * HTML-escaped; the page is also served with a CSP that forbids scripts.
 */
final class WhoPage {

    private WhoPage() {
    }

    static String html(List<SessionInfo> sessions, Instant now, String version) {
        StringBuilder sb = new StringBuilder(1024 + 300 * sessions.size());
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"5\">")
                .append("<title>nioftpd: who is connected</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:1.5em}")
                .append("table{border-collapse:collapse}th,td{padding:.25em .7em;text-align:left;")
                .append("border-bottom:1px solid #ddd}th{background:#f4f4f4}td.n{text-align:right}")
                .append("progress{width:8em}")
                .append("</style></head><body>\n<h1>nioftpd: who is connected</h1>\n<p id=\"summary\">")
                .append(sessions.size()).append(sessions.size() == 1 ? " session" : " sessions")
                .append(" at ").append(now).append(" (nioftpd ").append(esc(version))
                .append("; refreshes every 5 s)</p>\n");
        sb.append("<table id=\"sessions\"><thead><tr><th>ID</th><th>User</th><th>Client</th><th>Listener</th>")
                .append("<th>TLS</th><th>Connected</th><th>Idle</th><th>Command</th><th>Transfer</th>")
                .append("<th>Progress</th><th>Rate</th></tr></thead><tbody>\n");
        for (SessionInfo s : sessions) {
            SessionInfo.Transfer t = s.transfer();
            sb.append("<tr class=\"session\" data-id=\"").append(esc(s.id())).append("\"><td>").append(esc(s.id()))
                    .append("</td><td class=\"user\">").append(esc(s.user() == null ? "-" : s.user()))
                    .append("</td><td>").append(esc(SessionsJson.address(s.client())))
                    .append("</td><td>").append(esc(SessionsJson.address(s.listener())))
                    .append("</td><td>").append(s.tls() ? "yes" : "no")
                    .append("</td><td class=\"n\">").append(SessionsJson.clock(Duration.between(s.since(), now)))
                    .append("</td><td class=\"n\">").append(SessionsJson.clock(s.idle()))
                    .append("</td><td>").append(esc(s.command() == null ? "" : s.command()))
                    .append("</td>");
            if (t == null) {
                sb.append("<td></td><td></td><td></td>");
            } else {
                sb.append("<td class=\"transfer\">").append(t.upload() ? "upload " : "download ").append(esc(t.file()))
                        .append("</td><td class=\"n\">").append(SessionsJson.bytes(t.bytes()));
                if (t.size() >= 0) {
                    sb.append(" / ").append(SessionsJson.bytes(t.size()))
                            .append(String.format(Locale.ROOT, " <progress max=\"1\" value=\"%.4f\"></progress> %.0f%%",
                                    t.progress(), t.progress() * 100));
                }
                sb.append("</td><td class=\"n\">").append(SessionsJson.bytes((long) t.bytesPerSecond())).append("/s</td>");
            }
            sb.append("</tr>\n");
        }
        return sb.append("</tbody></table>\n</body></html>\n").toString();
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        String p = SessionsJson.printable(s);
        StringBuilder sb = new StringBuilder(p.length() + 16);
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}

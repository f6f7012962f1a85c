package org.nioftpd.server;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.text.MessageFormat;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.nioftpd.protocol.Printable;

/**
 * Sets up java.util.logging, the JDK's backend for {@code System.Logger},
 * which core and the server log through: one line per record on stderr
 * (where systemd's journal and {@code docker logs} pick it up),
 * <pre>
 * 2026-11-24T07:17:02Z INFO connect 127.0.0.1:50312
 * </pre>
 * level names as {@code System.Logger} spells them; or, with
 * {@code --log-format json}, one JSON object a line for log shippers:
 * <pre>
 * {"time":"2026-11-24T07:17:02.345Z","level":"INFO","logger":"org.nioftpd.session","message":"connect 127.0.0.1:50312"}
 * </pre>
 * Addresses print as people write them, whoever logs them and however:
 * {@code 127.0.0.1:2121} and {@code [::1]:2121}, never the JDK's
 * {@code localhost/127.0.0.1:2121} or {@code /[0:0:0:0:0:0:0:1]:2121}.
 */
final class Logging {

    /** Where nioftpd's own loggers live; the JDK's stay at INFO or above, whatever the level. */
    private static final String PREFIX = "org.nioftpd";

    /** Strong references: java.util.logging keeps only weak ones to configured loggers. */
    private static final Logger ROOT = Logger.getLogger("");
    private static final Logger OURS = Logger.getLogger(PREFIX);

    private Logging() {
    }

    /**
     * Named values for the JSON format, given as a record's last parameter
     * (which the text format's pattern never refers to): a log shipper gets
     * {@code "event":"login","client":"127.0.0.1:50312","user":"alice"}
     * without parsing the message. Values in order, names unique.
     */
    record Fields(java.util.LinkedHashMap<String, Object> values) {
        static Fields of(Object... namesAndValues) {
            java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>();
            for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
                m.put((String) namesAndValues[i], namesAndValues[i + 1]);
            }
            return new Fields(m);
        }

        @Override
        public String toString() {
            return ""; // never part of a text line
        }
    }

    /** How each record is written: one text line, or one JSON object a line. */
    enum Format {
        TEXT, JSON
    }

    /** Replaces every handler with one that writes {@code level} and above to {@code out}, as text. */
    static void configure(Values.LogLevel level, PrintStream out) {
        configure(level, Format.TEXT, out);
    }

    /** Replaces every handler with one that writes {@code level} and above to {@code out}. */
    static synchronized void configure(Values.LogLevel level, Format format, PrintStream out) {
        for (Handler h : ROOT.getHandlers()) {
            ROOT.removeHandler(h);
            h.close();
        }
        for (Handler h : OURS.getHandlers()) {
            OURS.removeHandler(h);
        }
        Level jul = jul(level);
        ROOT.addHandler(new LineHandler(out, format == Format.JSON ? new Json() : new OneLine()));
        // A debug level for nioftpd, not for the JDK's HTTP server and friends.
        ROOT.setLevel(jul.intValue() > Level.INFO.intValue() ? jul : Level.INFO);
        OURS.setLevel(jul);
    }

    static Level jul(Values.LogLevel level) {
        return switch (level) {
            case ERROR -> Level.SEVERE;
            case WARNING -> Level.WARNING;
            case INFO -> Level.INFO;
            case DEBUG -> Level.FINE;
            case TRACE -> Level.ALL;
        };
    }

    /** The name of {@code level} as System.Logger has it (what {@code --log-level} takes, upper case). */
    static String name(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (v >= Level.WARNING.intValue()) {
            return "WARNING";
        }
        if (v >= Level.INFO.intValue()) {
            return "INFO";
        }
        if (v >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }

    /** {@code 2026-11-24T07:17:02Z INFO message}: UTC to the second, control and bidi characters as '?'. */
    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(128);
            sb.append(Instant.ofEpochMilli(r.getMillis()).truncatedTo(ChronoUnit.SECONDS)).append(' ')
                    .append(name(r.getLevel())).append(' ');
            printable(sb, message(r));
            Throwable t = r.getThrown();
            if (t != null) {
                sb.append(": ");
                printable(sb, String.valueOf(t));
                for (Throwable cause = t.getCause(); cause != null && cause != t; cause = cause.getCause()) {
                    sb.append(" <- ");
                    printable(sb, String.valueOf(cause));
                }
            }
            return sb.append(System.lineSeparator()).toString();
        }

        /** A line break inside a message (a client's text, an exception's) must not start a forged log line. */
        private static void printable(StringBuilder sb, String s) {
            Printable.appendForLog(sb, s, Integer.MAX_VALUE);
        }
    }

    /**
     * One JSON object a line: time (UTC, milliseconds), level, logger,
     * message and, if any, error (the exception and its causes). Control
     * characters are escaped, so a client's text cannot break the line.
     */
    static final class Json extends Formatter {
        @Override
        public String format(LogRecord r) {
            StringBuilder sb = new StringBuilder(160);
            sb.append("{\"time\":\"").append(Instant.ofEpochMilli(r.getMillis()).truncatedTo(ChronoUnit.MILLIS))
                    .append("\",\"level\":\"").append(name(r.getLevel())).append("\",\"logger\":");
            string(sb, r.getLoggerName() == null ? "" : r.getLoggerName());
            sb.append(",\"message\":");
            string(sb, message(r));
            Object[] params = r.getParameters();
            if (params != null && params.length > 0 && params[params.length - 1] instanceof Fields f) {
                for (java.util.Map.Entry<String, Object> e : f.values().entrySet()) {
                    if (e.getValue() == null || e.getKey().equals("time") || e.getKey().equals("level")
                            || e.getKey().equals("logger") || e.getKey().equals("message")) {
                        continue;
                    }
                    sb.append(',');
                    string(sb, e.getKey());
                    sb.append(':');
                    Object v = e.getValue() instanceof Number || e.getValue() instanceof Boolean
                            ? e.getValue() : readable(e.getValue());
                    if (v instanceof Number || v instanceof Boolean) {
                        sb.append(v);
                    } else {
                        string(sb, String.valueOf(v));
                    }
                }
            }
            Throwable t = r.getThrown();
            if (t != null) {
                StringBuilder error = new StringBuilder(String.valueOf(t));
                for (Throwable cause = t.getCause(); cause != null && cause != t; cause = cause.getCause()) {
                    error.append(" <- ").append(cause);
                }
                sb.append(",\"error\":");
                string(sb, error.toString());
            }
            return sb.append('}').append(System.lineSeparator()).toString();
        }

        /**
         * A JSON string (RFC 8259), or null: quotes, backslashes and every control character
         * escaped, and U+2028 and U+2029 (line ends to JavaScript). The server's one JSON string
         * writer: log lines, webhook bodies, and (with {@code htmlSafe}) the JSON the /who page reads.
         */
        static void string(StringBuilder sb, String s) {
            string(sb, s, false);
        }

        /** The same; with {@code htmlSafe}, '<', '>' and '&' as six-character escapes too. */
        static void string(StringBuilder sb, String s, boolean htmlSafe) {
            if (s == null) {
                sb.append("null");
                return;
            }
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    default -> {
                        if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029
                                || htmlSafe && (c == '<' || c == '>' || c == '&')) {
                            sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        }
    }

    /**
     * The record's text, its parameters filled in, every address in it as
     * people write addresses (see {@link #readableAddresses}).
     */
    static String message(LogRecord r) {
        String text = r.getMessage();
        if (text == null) {
            return "";
        }
        Object[] params = r.getParameters();
        if (params != null && params.length > 0 && text.contains("{")) {
            Object[] readable = new Object[params.length];
            for (int i = 0; i < params.length; i++) {
                readable[i] = readable(params[i]);
            }
            try {
                text = new MessageFormat(text, java.util.Locale.ROOT).format(readable);
            } catch (IllegalArgumentException e) {
                // not a pattern after all: the text as given
            }
        }
        return readableAddresses(text);
    }

    /** An address parameter as text; a list of them joined by ", " (no brackets); anything else as is. */
    private static Object readable(Object param) {
        if (param instanceof InetSocketAddress a) {
            return address(a);
        }
        if (param instanceof InetAddress ip) {
            return host(ip);
        }
        if (param instanceof Collection<?> c && !c.isEmpty()
                && c.stream().allMatch(o -> o instanceof InetSocketAddress)) {
            return c.stream().map(o -> address((InetSocketAddress) o)).collect(Collectors.joining(", "));
        }
        if (param instanceof Number n) {
            return n.toString(); // "1024", not the locale's "1,024"
        }
        return param;
    }

    /** {@code 127.0.0.1:2121}, {@code [::1]:2121}; an unresolved one as its host name. */
    static String address(InetSocketAddress a) {
        if (a.getAddress() == null) {
            return (a.getHostString().indexOf(':') >= 0 ? "[" + a.getHostString() + "]" : a.getHostString())
                    + ":" + a.getPort();
        }
        return Values.format(a);
    }

    private static String host(InetAddress ip) {
        return ip instanceof java.net.Inet6Address ? Values.shortIpv6(ip.getAddress()) : ip.getHostAddress();
    }

    /**
     * What {@code InetSocketAddress.toString()} and {@code InetAddress.toString()}
     * write into a message built by concatenation ({@code localhost/127.0.0.1:2121},
     * {@code /[0:0:0:0:0:0:0:1]:46512}, {@code /127.0.0.1}): a name before the
     * slash (empty or a host name) and the literal address after it. Only
     * where a word starts, so that a path such as {@code /srv/10.0.0.1} stays.
     */
    private static final Pattern JDK_ADDRESS = Pattern.compile(
            "(?<![\\w/.\\-])(?:[A-Za-z0-9][A-Za-z0-9.\\-]*)?/(?:(\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:.]+(?:%[\\w.]+)?\\])"
                    + "(?::(\\d{1,5})(?![\\w./])|(?![\\w.:/]))"
                    + "|([0-9A-Fa-f]{0,4}:[0-9A-Fa-f:.]*[0-9A-Fa-f.](?:%[\\w.]+)?)(?![\\w.:/]))");

    /** Rewrites the JDK's spellings of addresses in {@code text} as {@link #address} writes them. */
    static String readableAddresses(String text) {
        if (text.indexOf('/') < 0) {
            return text;
        }
        Matcher m = JDK_ADDRESS.matcher(text);
        StringBuilder sb = null;
        int last = 0;
        while (m.find()) {
            // InetAddress.toString() of an IPv6 address: no brackets, no port
            String literal = m.group(1) != null ? m.group(1) : "[" + m.group(3) + "]";
            String host;
            if (literal.startsWith("[")) {
                String inner = literal.substring(1, literal.length() - 1);
                int zone = inner.indexOf('%');
                try {
                    // a literal: parsed without any name lookup
                    byte[] raw = InetAddress.getByName(zone < 0 ? inner : inner.substring(0, zone)).getAddress();
                    host = "[" + (raw.length == 16 ? Values.shortIpv6(raw) : InetAddress.getByAddress(raw)
                            .getHostAddress()) + (zone < 0 ? "" : inner.substring(zone)) + "]";
                } catch (java.net.UnknownHostException e) {
                    continue;
                }
                if (m.group(2) == null) {
                    host = host.substring(1, host.length() - 1); // a bare IPv6 address goes without brackets
                }
            } else {
                host = literal;
            }
            if (sb == null) {
                sb = new StringBuilder(text.length());
            }
            sb.append(text, last, m.start()).append(host);
            if (m.group(2) != null) {
                sb.append(':').append(m.group(2));
            }
            last = m.end();
        }
        return sb == null ? text : sb.append(text, last, text.length()).toString();
    }

    /** Writes each record at once: a log line of a dying process must not sit in a buffer. */
    private static final class LineHandler extends Handler {
        private final PrintStream out;

        LineHandler(PrintStream out, Formatter formatter) {
            this.out = out;
            setFormatter(formatter);
            setLevel(Level.ALL);
        }

        @Override
        public void publish(LogRecord record) {
            if (!isLoggable(record)) {
                return;
            }
            String line;
            try {
                line = getFormatter().format(record);
            } catch (RuntimeException e) {
                line = record.getMillis() + " " + name(record.getLevel()) + " (unformattable: " + e + ")"
                        + System.lineSeparator();
            }
            synchronized (this) {
                out.print(line);
                out.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}

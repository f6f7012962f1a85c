package org.nioftpd.server;

import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
 * level names as {@code System.Logger} spells them.
 */
final class Logging {

    /** Where nioftpd's own loggers live; the JDK's stay at INFO or above, whatever the level. */
    private static final String PREFIX = "org.nioftpd";

    /** Strong references: java.util.logging keeps only weak ones to configured loggers. */
    private static final Logger ROOT = Logger.getLogger("");
    private static final Logger OURS = Logger.getLogger(PREFIX);

    private Logging() {
    }

    /** Replaces every handler with one that writes {@code level} and above to {@code out}. */
    static synchronized void configure(Values.LogLevel level, PrintStream out) {
        for (Handler h : ROOT.getHandlers()) {
            ROOT.removeHandler(h);
            h.close();
        }
        for (Handler h : OURS.getHandlers()) {
            OURS.removeHandler(h);
        }
        Level jul = jul(level);
        ROOT.addHandler(new LineHandler(out));
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
            printable(sb, formatMessage(r));
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

    /** Writes each record at once: a log line of a dying process must not sit in a buffer. */
    private static final class LineHandler extends Handler {
        private final PrintStream out;

        LineHandler(PrintStream out) {
            this.out = out;
            setFormatter(new OneLine());
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

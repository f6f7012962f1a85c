package org.nioftpd.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nioftpd.FtpServer;
import org.nioftpd.server.Values.BadValue;
import org.nioftpd.server.Values.User;

/**
 * The command line: one table of options, GNU style ({@code --opt value} or
 * {@code --opt=value}). Each row says its name, its argument, its help line
 * and how it applies to the {@link FtpServer.Builder}; {@code --help} is
 * generated from the table, so it cannot drift from what is parsed.
 * A new option is one new row.
 */
final class Options {

    /** A command line that cannot be obeyed; the message is one line naming the option. */
    static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        UsageError(String message) {
            super(message);
        }
    }

    /** How a row applies its value (null for a flag). */
    @FunctionalInterface
    interface Setter {
        void apply(Options target, String value) throws BadValue;
    }

    /** One row of the table; {@code argName} is null for a flag. */
    record Option(String name, String argName, boolean repeatable, String help, Setter setter) {
        String synopsis() {
            return "--" + name + (argName == null ? "" : " " + argName);
        }
    }

    // ------------------------------------------------------------------ the table

    static final List<Option> TABLE = List.of(
            new Option("listen", "HOST:PORT", true,
                    "listen address, repeatable, IPv6 as [::1]:2121 (default 127.0.0.1:2121)",
                    (o, v) -> o.builder.listen(Values.hostPort(v))),
            new Option("root", "DIR", false,
                    "directory served as / (default: the current directory)",
                    (o, v) -> o.builder.root(o.root = Values.directory(v))),
            new Option("user", "NAME:PASSWORD[:ro|:rw]", true,
                    "a login, repeatable (default rw); with any --user, anonymous is off unless --anonymous",
                    (o, v) -> o.addUser(Values.user(v))),
            new Option("anonymous", null, false,
                    "allow anonymous login (user anonymous or ftp), read-only",
                    (o, v) -> o.builder.anonymous(o.anonymous = true)),
            new Option("passive-ports", "LO-HI", false,
                    "passive port range (default: any free port)",
                    (o, v) -> {
                        int[] range = Values.portRange(v);
                        o.builder.passivePorts(range[0], range[1]);
                    }),
            new Option("passive-address", "IP", false,
                    "address announced in PASV replies (behind NAT)",
                    (o, v) -> o.builder.passiveAddress(Values.ipLiteral(v))),
            new Option("loops", "N", false,
                    "event loops (default: number of cores)",
                    (o, v) -> o.builder.loops(o.loops = Values.positiveInt(v, Values.MAX_LOOPS))),
            new Option("help", null, false,
                    "print this help and exit",
                    (o, v) -> o.help = true),
            new Option("version", null, false,
                    "print the version and exit",
                    (o, v) -> o.version = true));

    private static final Map<String, Option> BY_NAME = new LinkedHashMap<>();

    static {
        TABLE.forEach(opt -> BY_NAME.put(opt.name(), opt));
    }

    // ------------------------------------------------------------ parsed state

    private final FtpServer.Builder builder = FtpServer.builder();
    // What the startup line reports; the builder has no getters.
    private Path root = Path.of("").toAbsolutePath();
    private final List<User> users = new ArrayList<>();
    private boolean anonymous;
    private int loops = Runtime.getRuntime().availableProcessors();
    private boolean help;
    private boolean version;

    private Options() {
    }

    /** Parses the whole command line; the first problem found is the error. */
    static Options parse(String... args) throws UsageError {
        Options o = new Options();
        Set<Option> seen = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            // No positional arguments, so "--" (end of options) has nothing to end: unknown too.
            if (!arg.startsWith("--") || arg.equals("--")) {
                throw new UsageError(arg.startsWith("-") && arg.length() > 1
                        ? "unknown option " + Values.quote(arg)
                        : "unexpected argument " + Values.quote(arg));
            }
            int eq = arg.indexOf('=');
            String name = arg.substring(2, eq < 0 ? arg.length() : eq);
            Option opt = BY_NAME.get(name);
            if (opt == null) {
                throw new UsageError("unknown option " + Values.quote("--" + name));
            }
            String value = null;
            if (opt.argName() == null) {
                if (eq >= 0) {
                    throw new UsageError("--" + name + ": takes no value");
                }
            } else if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new UsageError("--" + name + ": missing " + opt.argName());
            }
            if (!seen.add(opt) && !opt.repeatable()) {
                throw new UsageError("--" + name + ": given more than once");
            }
            try {
                opt.setter().apply(o, value);
            } catch (BadValue e) {
                throw new UsageError("--" + name + ": " + e.getMessage());
            }
        }
        return o;
    }

    private void addUser(User u) throws BadValue {
        if (users.stream().anyMatch(other -> other.name().equals(u.name()))) {
            throw new BadValue("user " + Values.quote(u.name()) + " given twice");
        }
        users.add(u);
        builder.user(u.name(), u.password(), u.writable());
    }

    /** The --help text, generated from {@link #TABLE}. */
    static String helpText() {
        int column = 28;
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: java -jar nioftpd.jar [OPTION]...\n");
        sb.append("Serve a directory over FTP. With no option: the current directory,\n");
        sb.append("read-only to anonymous, on 127.0.0.1:2121.\n\n");
        for (Option opt : TABLE) {
            String left = "  " + opt.synopsis();
            sb.append(left);
            if (left.length() + 2 > column) {
                sb.append('\n').append(" ".repeat(column));
            } else {
                sb.append(" ".repeat(column - left.length()));
            }
            sb.append(wrap(opt.help(), 79 - column, column)).append('\n');
        }
        sb.append("\nSIGTERM or Ctrl-C closes the listeners and sessions and exits 0.\n");
        return sb.toString();
    }

    /** Word-wraps to {@code width} columns; lines after the first are indented by {@code indent}. */
    private static String wrap(String text, int width, int indent) {
        StringBuilder out = new StringBuilder();
        int lineLength = 0;
        for (String word : text.split(" ")) {
            if (lineLength > 0 && lineLength + 1 + word.length() > width) {
                out.append('\n').append(" ".repeat(indent));
                lineLength = 0;
            } else if (lineLength > 0) {
                out.append(' ');
                lineLength++;
            }
            out.append(word);
            lineLength += word.length();
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- results

    /** The configured builder; a caller (a test) may add to it before {@code build()}. */
    FtpServer.Builder builder() {
        return builder;
    }

    Path root() {
        return root;
    }

    List<User> users() {
        return List.copyOf(users);
    }

    /** Whether anonymous may log in: asked for, or implied by giving no user. */
    boolean anonymous() {
        return anonymous || users.isEmpty();
    }

    int loops() {
        return loops;
    }

    boolean help() {
        return help;
    }

    boolean version() {
        return version;
    }
}

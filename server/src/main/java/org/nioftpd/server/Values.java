package org.nioftpd.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.nioftpd.protocol.IpLiteral;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.nioftpd.auth.UsersFile;

/**
 * Parsers for option values. Each one takes the text as given and either
 * returns a typed value or throws {@link BadValue} with a short reason
 * ({@code "not a positive integer: 'x'"}); {@link Options} puts the option's
 * name in front. No parser here ever asks DNS about an IP literal.
 */
final class Values {

    /** Enough for any sane machine; keeps a typo from starting a million threads. */
    static final int MAX_LOOPS = 1024;

    private Values() {
    }

    /** A value that does not parse; the message says why, without the option's name. */
    static final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;

        BadValue(String message) {
            super(message);
        }
    }

    /** A login from {@code --user}. */
    record User(String name, String password, boolean writable) {
        @Override
        public String toString() {
            return "User[" + name + (writable ? ", rw" : ", ro") + "]"; // never the password
        }
    }

    /**
     * {@code HOST:PORT}, {@code [IPV6]:PORT}. HOST is an IPv4 literal or a
     * host name (resolved once, now); port 0 asks for any free port.
     */
    static InetSocketAddress hostPort(String text) throws BadValue {
        String host;
        String port;
        InetAddress address;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw new BadValue("expected [IPV6]:PORT: " + quote(text));
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            address = ipv6(host);
            if (address == null) {
                throw new BadValue("not an IPv6 address: " + quote(host));
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new BadValue("expected HOST:PORT: " + quote(text));
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw new BadValue("IPv6 needs brackets, as in [::1]:2121: " + quote(text));
            }
            address = hostAddress(host);
        }
        return new InetSocketAddress(address, port(port, 0));
    }

    private static InetAddress hostAddress(String host) throws BadValue {
        if (host.isEmpty()) {
            throw new BadValue("empty host (all interfaces: 0.0.0.0 or [::])");
        }
        InetAddress v4 = ipv4(host);
        if (v4 != null) {
            return v4;
        }
        if (host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            throw new BadValue("not an IPv4 address: " + quote(host));
        }
        if (!host.chars().allMatch(c -> c == '.' || c == '-' || Character.isLetterOrDigit(c) && c < 128)) {
            throw new BadValue("not a host name: " + quote(host));
        }
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new BadValue("unknown host: " + quote(host));
        }
    }

    /** An IP literal, v4 or v6; never a host name. */
    static InetAddress ipLiteral(String text) throws BadValue {
        InetAddress a = ipv4(text);
        if (a == null) {
            a = ipv6(text);
        }
        if (a == null) {
            throw new BadValue("not an IP address: " + quote(text));
        }
        return a;
    }

    /** A dotted quad (core's one parser: four parts of 0-255, no leading zeros), or null. */
    static InetAddress ipv4(String text) {
        try {
            return IpLiteral.v4(text);
        } catch (NumberFormatException | UnknownHostException e) {
            return null;
        }
    }

    /** An IPv6 literal (core's one parser: never a name lookup), or null. */
    static InetAddress ipv6(String text) {
        try {
            return IpLiteral.v6(text);
        } catch (NumberFormatException | UnknownHostException e) {
            return null;
        }
    }

    /** A port number, decimal digits only, from {@code min} to 65535. */
    static int port(String text, int min) throws BadValue {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadValue("not a port number: " + quote(text));
        }
        int port = Integer.parseInt(text);
        if (port < min || port > 65535) {
            throw new BadValue("port out of range " + min + "-65535: " + quote(text));
        }
        return port;
    }

    /** {@code LO-HI}, both 1-65535, LO &lt;= HI. */
    static int[] portRange(String text) throws BadValue {
        int dash = text.indexOf('-');
        if (dash < 0) {
            throw new BadValue("expected LO-HI: " + quote(text));
        }
        int low = port(text.substring(0, dash), 1);
        int high = port(text.substring(dash + 1), 1);
        if (low > high) {
            throw new BadValue("low port above high port: " + quote(text));
        }
        return new int[] {low, high};
    }

    static int positiveInt(String text, int max) throws BadValue {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(text) == 0) {
            throw new BadValue("not a positive integer: " + quote(text));
        }
        int n = Integer.parseInt(text);
        if (n > max) {
            throw new BadValue("at most " + max + ": " + quote(text));
        }
        return n;
    }

    /** A whole number from {@code min} to {@code max}, decimal digits only. */
    static int intRange(String text, int min, int max) throws BadValue {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadValue("not a whole number: " + quote(text));
        }
        int n = Integer.parseInt(text);
        if (n < min || n > max) {
            throw new BadValue("out of range " + min + "-" + max + ": " + quote(text));
        }
        return n;
    }

    /** Seconds, at least {@code min}, at most {@link #MAX_SECONDS}. */
    static Duration seconds(String text, int min) throws BadValue {
        return Duration.ofSeconds(intRange(text, min, MAX_SECONDS));
    }

    /** A week: longer than any timeout anyone means, short enough to catch a typo. */
    static final int MAX_SECONDS = 7 * 24 * 3600;

    /**
     * Bytes per second: {@code 1048576}, {@code 512K}, {@code 10M}, {@code 1G}
     * (powers of 1024, as in the users file, whose parser this is); {@code 0}
     * for no limit.
     */
    static long rate(String text) throws BadValue {
        if (text.equals("0")) {
            return 0;
        }
        try {
            return UsersFile.rate("rate", text);
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw new BadValue("not a rate (bytes per second, as in 512K or 10M; 0 for none): " + quote(text));
        }
    }

    /** A size in bytes with an optional K, M or G (powers of 1024); {@code 0} for no limit. */
    static long bytes(String text) throws BadValue {
        if (text.equals("0")) {
            return 0;
        }
        try {
            return UsersFile.rate("size", text);
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            throw new BadValue("not a size (bytes, as in 512K, 10M or 16G; 0 for none): " + quote(text));
        }
    }

    /**
     * {@code --max-inflate-ratio RATIO[/ALLOWANCE]}: {@code 100/64M}, {@code 1000}
     * (allowance 0), {@code 0} for no limit. The allowance in bytes, with an
     * optional K, M or G.
     */
    static long[] inflateLimit(String text) throws BadValue {
        int slash = text.indexOf('/');
        String ratio = slash < 0 ? text : text.substring(0, slash);
        long allowance = slash < 0 ? 0 : rate(text.substring(slash + 1));
        try {
            long r = Long.parseLong(ratio);
            if (r >= 0 && r <= 1_000_000) {
                return new long[] {r, allowance};
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new BadValue("not a ratio (0 to 1000000, then /BYTES as in 100/64M): " + quote(text));
    }

    /** {@code --ban}: failures within a window ban an address; {@code failures == 0} turns it off. */
    record Ban(int failures, Duration window, Duration duration) {
        static final Ban OFF = new Ban(0, Duration.ofSeconds(1), Duration.ofSeconds(1));
    }

    /** {@code FAILURES/WINDOW_SECONDS/BAN_SECONDS} such as {@code 10/600/900}, or {@code 0} for no bans. */
    static Ban ban(String text) throws BadValue {
        if (text.equals("0")) {
            return Ban.OFF;
        }
        String[] p = text.split("/", -1);
        if (p.length != 3) {
            throw new BadValue("expected FAILURES/WINDOW_SECONDS/BAN_SECONDS, as in 10/600/900, or 0: " + quote(text));
        }
        int failures = intRange(p[0], 0, 1_000_000);
        if (failures == 0) {
            return Ban.OFF;
        }
        return new Ban(failures, seconds(p[1], 1), seconds(p[2], 1));
    }

    /** Log levels, named as {@link System.Logger.Level} names them. */
    enum LogLevel {
        ERROR, WARNING, INFO, DEBUG, TRACE;

        static String names() {
            return "error|warning|info|debug|trace";
        }
    }

    /** {@code none}, {@code users} or {@code all}, any case. */
    static String dotFiles(String text) throws BadValue {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        if (t.equals("none") || t.equals("users") || t.equals("all")) {
            return t;
        }
        throw new BadValue("expected none, users or all: " + quote(text));
    }

    /** A name pattern: one file name with * and ?, no '/', at most 255 characters. */
    static String namePattern(String text) throws BadValue {
        if (text.isEmpty() || text.indexOf('/') >= 0 || text.length() > 255
                || !text.chars().allMatch(c -> c >= ' ' && c != 0x7f)) {
            throw new BadValue("expected one file name with * and ? (no '/'): " + quote(text));
        }
        return text;
    }

    static Logging.Format logFormat(String text) throws BadValue {
        for (Logging.Format f : Logging.Format.values()) {
            if (f.name().equalsIgnoreCase(text)) {
                return f;
            }
        }
        throw new BadValue("expected text or json: " + quote(text));
    }

    static LogLevel logLevel(String text) throws BadValue {
        for (LogLevel l : LogLevel.values()) {
            if (l.name().equalsIgnoreCase(text)) {
                return l;
            }
        }
        throw new BadValue("expected " + LogLevel.names() + ": " + quote(text));
    }

    /** The greeting after 220: printable, one line (a CR or LF would forge replies), at most 200 characters. */
    static String banner(String text) throws BadValue {
        if (text.isBlank()) {
            throw new BadValue("empty banner");
        }
        if (!text.chars().allMatch(c -> c >= ' ' && c != 0x7f)) {
            throw new BadValue("banner has a control character");
        }
        if (text.length() > 200) {
            throw new BadValue("banner longer than 200 characters");
        }
        return text;
    }

    /**
     * A directory as the client sees it, absolute: {@code /incoming}. No
     * {@code .} or {@code ..} component, no backslash, no trailing slash.
     */
    static String virtualDirectory(String text) throws BadValue {
        if (!text.startsWith("/") || text.equals("/")) {
            throw new BadValue("expected a directory under /, as in /incoming: " + quote(text));
        }
        for (String part : text.substring(1).split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\\') >= 0
                    || !part.chars().allMatch(c -> c >= ' ' && c != 0x7f)) {
                throw new BadValue("expected a plain path such as /incoming: " + quote(text));
            }
        }
        return text;
    }

    /** A comma-separated list, blanks around items ignored, none empty. */
    static List<String> list(String text) throws BadValue {
        List<String> out = new java.util.ArrayList<>();
        for (String item : text.split(",")) {
            if (item.isBlank()) {
                throw new BadValue("empty item in \"" + text + "\"");
            }
            out.add(item.strip());
        }
        return out;
    }

    /** {@code --tls-sni-cert}: host names, then a PEM certificate and key. */
    record HostCert(List<String> hosts, Path cert, Path key) {
    }

    /** {@code ftp.example.org,*.example.org=/etc/cert.pem:/etc/key.pem}. */
    static HostCert hostCert(String text) throws BadValue {
        int eq = text.indexOf('=');
        int colon = text.lastIndexOf(':');
        if (eq <= 0 || colon < eq + 2 || colon == text.length() - 1) {
            throw new BadValue("expected HOSTS=CERT:KEY, e.g. ftp.example.org=/etc/nioftpd/ftp.pem:/etc/nioftpd/ftp.key: \""
                    + text + "\"");
        }
        List<String> hosts = list(text.substring(0, eq));
        for (String h : hosts) {
            if (!h.matches("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
                throw new BadValue("not a host name: \"" + h + "\"");
            }
        }
        return new HostCert(hosts, existingFile(text.substring(eq + 1, colon)), existingFile(text.substring(colon + 1)));
    }

    // --- client certificates and LDAP (issue 15, 16)

    static org.nioftpd.FtpServer.ClientAuth clientAuth(String text) throws BadValue {
        return switch (text) {
            case "none" -> org.nioftpd.FtpServer.ClientAuth.NONE;
            case "want" -> org.nioftpd.FtpServer.ClientAuth.WANT;
            case "need" -> org.nioftpd.FtpServer.ClientAuth.NEED;
            default -> throw new BadValue("expected none, want or need: " + quote(text));
        };
    }

    static String ldapUrl(String text) throws BadValue {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        if (!t.startsWith("ldap://") && !t.startsWith("ldaps://")) {
            throw new BadValue("expected ldap://host[:port]/ or ldaps://host[:port]/: " + quote(text));
        }
        return text;
    }

    static String withUser(String text) throws BadValue {
        if (!text.contains("{user}")) {
            throw new BadValue("has no {user}: " + quote(text));
        }
        return text;
    }

    static boolean rights(String text) throws BadValue {
        return switch (text) {
            case "rw" -> true;
            case "ro" -> false;
            default -> throw new BadValue("expected ro or rw: " + quote(text));
        };
    }

    /** The first line of a secret file, without its line end; an empty one is an error. */
    static String firstLine(Path file) throws BadValue {
        try {
            String first = Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8).stream()
                    .findFirst().orElse("");
            if (first.isEmpty()) {
                throw new BadValue("empty: " + quote(file.toString()));
            }
            return first;
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            throw new BadValue("cannot read " + quote(file.toString()) + ": " + e.getMessage());
        }
    }

    /** An existing regular file, made absolute. */
    static Path existingFile(String text) throws BadValue {
        Path p = path(text);
        if (!Files.isRegularFile(p)) {
            throw new BadValue("no such file: " + quote(text));
        }
        if (!Files.isReadable(p)) {
            throw new BadValue("not readable: " + quote(text));
        }
        return p.toAbsolutePath().normalize();
    }

    /** A file that may not exist yet, in an existing directory; made absolute. */
    static Path newFile(String text) throws BadValue {
        Path p = path(text).toAbsolutePath().normalize();
        if (Files.isDirectory(p)) {
            throw new BadValue("is a directory: " + quote(text));
        }
        Path parent = p.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new BadValue("no such directory: " + quote(parent == null ? text : parent.toString()));
        }
        return p;
    }

    private static Path path(String text) throws BadValue {
        if (text.isEmpty()) {
            throw new BadValue("empty path");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new BadValue("not a valid path: " + quote(text));
        }
    }

    /** {@code true} or {@code false}, for a flag in a config file. */
    static boolean bool(String text) throws BadValue {
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new BadValue("expected true or false: " + quote(text));
        };
    }

    /**
     * A root: a local directory, or a directory of any installed file system provider named by URI
     * ({@code s3://bucket/dir/}, {@code jar:file:/srv/a.zip!/}); see {@code StorePaths}.
     */
    static Path store(String text) throws BadValue {
        if (!org.nioftpd.auth.StorePaths.isUri(text) || text.startsWith("file:")) {
            return directory(text.startsWith("file:") ? Path.of(java.net.URI.create(text)).toString() : text);
        }
        Path p;
        try {
            p = org.nioftpd.auth.StorePaths.of(text);
        } catch (IllegalArgumentException e) {
            throw new BadValue(e.getMessage());
        }
        try {
            if (!Files.isDirectory(p)) {
                throw new BadValue("not a directory: " + quote(redact(text)));
            }
        } catch (RuntimeException e) {
            throw new BadValue("cannot reach " + quote(redact(text)) + ": " + e);
        }
        return p;
    }

    private static String redact(String uri) {
        try {
            return org.nioftpd.auth.StorePaths.redact(java.net.URI.create(uri));
        } catch (IllegalArgumentException e) {
            return uri;
        }
    }

    /** An existing directory, made absolute. */
    static Path directory(String text) throws BadValue {
        Path p;
        try {
            p = Path.of(text);
        } catch (InvalidPathException e) {
            throw new BadValue("not a valid path: " + quote(text));
        }
        if (text.isEmpty() || !Files.isDirectory(p)) {
            throw new BadValue("not a directory: " + quote(text));
        }
        return p.toAbsolutePath().normalize();
    }

    /**
     * {@code NAME:PASSWORD[:ro|:rw]}, read from the right: the last field is
     * the mode only when it is {@code ro} or {@code rw} and at least two ':'
     * are present, so a password may hold ':' when a mode follows it
     * ({@code bob:a:b:rw} is password {@code a:b}). Without a mode, a second ':'
     * is refused rather than guessed at ({@code bob:pw:RO} is a typo, not a
     * password). Error messages never repeat the password.
     */
    static User user(String text) throws BadValue {
        int first = text.indexOf(':');
        int last = text.lastIndexOf(':');
        if (first < 0) {
            throw new BadValue("expected NAME:PASSWORD[:ro|:rw]");
        }
        String rest = text;
        boolean writable = true;
        if (first != last) {
            String mode = text.substring(last + 1);
            if (!mode.equals("ro") && !mode.equals("rw")) {
                throw new BadValue("expected NAME:PASSWORD[:ro|:rw] (a password with ':' needs :ro or :rw after it)");
            }
            writable = mode.equals("rw");
            rest = text.substring(0, last);
        }
        String name = rest.substring(0, first);
        String password = rest.substring(first + 1);
        if (name.isEmpty()) {
            throw new BadValue("empty user name");
        }
        if (!name.chars().allMatch(c -> c > ' ' && c != 0x7f)) {
            throw new BadValue("user name with a space or control character: " + quote(name));
        }
        if (password.isEmpty()) {
            throw new BadValue("empty password for " + quote(name));
        }
        if (!password.chars().allMatch(c -> c >= ' ' && c != 0x7f)) {
            throw new BadValue("password of " + quote(name) + " has a control character");
        }
        return new User(name, password, writable);
    }

    /** {@code 127.0.0.1:21}, {@code [::1]:21}: IPv6 bracketed and shortened (RFC 5952). */
    static String format(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        String host = ip instanceof Inet6Address ? "[" + shortIpv6(ip.getAddress()) + "]" : ip.getHostAddress();
        return host + ":" + a.getPort();
    }

    /** RFC 5952 text: lower-case hex, no leading zeros, the longest run (2+) of zero groups as "::". */
    static String shortIpv6(byte[] b) {
        return org.nioftpd.protocol.IpLiteral.rfc5952(b);
    }

    static String quote(String s) {
        return "'" + s + "'";
    }
}

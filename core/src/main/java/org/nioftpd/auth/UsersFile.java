package org.nioftpd.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Users from a file, one a line, passwords as salted PBKDF2 hashes:
 * <pre>
 * # name:password-hash:home:rw|ro[:option...]
 * alice:$pbkdf2-sha256$600000$c2FsdA$...:/srv/ftp/alice:rw:max-sessions=4:download-rate=2M
 * drop:$pbkdf2-sha256$600000$...:/srv/ftp/drop:ro:upload-only=/incoming
 * old:$pbkdf2-sha256$600000$...:/srv/ftp/old:ro:disabled
 * bob:$pbkdf2-sha256$600000$...:/srv/ftp/bob:ro:mount=/shared /srv/shared:rights=/shared rw:quota=/shared 1G
 * </pre>
 * Options: {@code upload-only=DIR} (a virtual path where a read-only user
 * may only store new files), {@code max-sessions=N},
 * {@code download-rate=RATE}, {@code upload-rate=RATE} (bytes per second,
 * with an optional K, M or G suffix, powers of 1024), {@code disabled};
 * {@code mount=}, {@code rights=} and {@code quota=}, repeatable, with the
 * values of the config file's lines of those names ({@link FolderPolicy}),
 * which they override for the same path.
 * Blank lines and lines starting with {@code #} are ignored.
 *
 * <p>{@link #reload} re-reads the file and swaps the whole set at once: a
 * session already logged in keeps its account; a file with an error is
 * rejected whole and the old set stays.
 */
public final class UsersFile implements Authenticator {

    private record Entry(String hash, UserAccount account, boolean enabled) {
    }

    private final Path file;
    private volatile Map<String, Entry> users;
    /** Hashed against when the user is unknown, so that both failures cost the same time. */
    private final String decoy = PasswordHash.create("decoy".toCharArray());

    /** Reads {@code file}; throws IllegalArgumentException naming the line of the first error. */
    public UsersFile(Path file) throws IOException {
        this.file = file;
        this.users = parse(file);
    }

    /** Re-reads the file; on an error the old users stay and the exception says why. */
    public void reload() throws IOException {
        this.users = parse(file);
    }

    public int size() {
        return users.size();
    }

    @Override
    public UserAccount authenticate(String user, String password) {
        Entry e = users.get(user);
        boolean ok = PasswordHash.verify(password.toCharArray(), e != null ? e.hash : decoy);
        return ok && e != null && e.enabled ? e.account : null;
    }

    static Map<String, Entry> parse(Path file) throws IOException {
        Map<String, Entry> map = new HashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                Entry e = parseLine(line);
                if (map.putIfAbsent(e.account.name(), e) != null) {
                    throw new IllegalArgumentException("user '" + e.account.name() + "' defined twice");
                }
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + ex.getMessage());
            }
        }
        return Map.copyOf(map);
    }

    private static Entry parseLine(String line) {
        String[] f = line.split(":", -1);
        if (f.length < 4) {
            throw new IllegalArgumentException("expected name:password-hash:home:rw|ro[:option...]");
        }
        String name = f[0];
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty user name");
        }
        if (!PasswordHash.isValid(f[1])) {
            throw new IllegalArgumentException("password of '" + name + "' is not a $pbkdf2-sha256$ hash"
                    + " (make one with: java -jar nioftpd.jar hash-password)");
        }
        int mode = 3;
        while (mode < f.length - 1 && !f[mode].equals("rw") && !f[mode].equals("ro")) {
            mode++; // a URI home (s3://bucket/dir, jar:file:/a.zip!/) holds ':': it runs up to the mode
        }
        if (mode > 3) {
            String[] joined = new String[f.length - (mode - 3)];
            joined[0] = f[0];
            joined[1] = f[1];
            joined[2] = String.join(":", java.util.Arrays.copyOfRange(f, 2, mode));
            System.arraycopy(f, mode, joined, 3, f.length - mode);
            f = joined;
        }
        if (!StorePaths.isUri(f[2]) && !Path.of(f[2]).isAbsolute()) {
            throw new IllegalArgumentException("home of '" + name + "' must be an absolute path: " + f[2]);
        }
        Path home;
        try {
            home = StorePaths.of(f[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("home of '" + name + "': " + e.getMessage(), e);
        }
        boolean writable = switch (f[3]) {
            case "rw" -> true;
            case "ro" -> false;
            default -> throw new IllegalArgumentException("rights must be rw or ro: '" + f[3] + "'");
        };
        String uploadOnly = null;
        int maxSessions = 0;
        long down = 0;
        long up = 0;
        boolean enabled = true;
        FolderPolicy folders = FolderPolicy.NONE;
        for (int i = 4; i < f.length; i++) {
            String opt = f[i];
            int eq = opt.indexOf('=');
            String key = eq < 0 ? opt : opt.substring(0, eq);
            String value = eq < 0 ? null : opt.substring(eq + 1);
            switch (key) {
                case "upload-only" -> uploadOnly = required(key, value);
                case "max-sessions" -> maxSessions = (int) positive(key, value, 1);
                case "download-rate" -> down = rate(key, value);
                case "upload-rate" -> up = rate(key, value);
                case "disabled" -> enabled = false;
                case "enabled" -> enabled = true;
                case "mount", "rights", "quota" -> folders = folders.with(key, required(key, value));
                default -> throw new IllegalArgumentException("unknown option '" + key + "'");
            }
        }
        UserAccount account = new UserAccount(name, home, writable, false,
                new UserAccount.Limits(down, up, maxSessions), uploadOnly, folders);
        return new Entry(f[1], account, enabled);
    }

    private static String required(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(key + " needs a value");
        }
        return value;
    }

    private static long positive(String key, String value, long multiplier) {
        try {
            long n = Long.parseLong(required(key, value));
            if (n < 1) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(key + ": not a positive number: '" + value + "'");
        }
    }

    /** Bytes per second: 1048576, 512K, 2M, 1G (powers of 1024). */
    public static long rate(String key, String value) {
        String v = required(key, value).toUpperCase(Locale.ROOT);
        long multiplier = 1;
        char last = v.charAt(v.length() - 1);
        if (last == 'K' || last == 'M' || last == 'G') {
            multiplier = last == 'K' ? 1024 : last == 'M' ? 1024 * 1024 : 1024L * 1024 * 1024;
            v = v.substring(0, v.length() - 1);
        }
        return positive(key, v, multiplier);
    }
}
